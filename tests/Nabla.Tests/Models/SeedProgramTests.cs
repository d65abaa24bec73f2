using System.Diagnostics;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models;

/// <summary>The seed question's three Keras programs, ported line for line, on 800 synthetic MNIST-like samples.</summary>
public class SeedProgramTests
{
    private const int Epochs = 10;

    [Fact]
    public void Example2ReachesALowerLossThanExample1AndAllRunUnderTenSeconds()
    {
        var (xTrain, xTrainNormalized, yTrain, _) = SeedData.Make();

        // Example 1 of the seed
        var clock = Stopwatch.StartNew();
        Utils.SetRandomSeed(42);
        var model = new Sequential(
            new Dense(128, activation: "sigmoid", inputShape: [784]),
            new Dense(10, activation: "softmax"));
        model.Compile(optimizer: "adam", loss: "mse", metrics: ["accuracy"]);
        History history = model.Fit(xTrain, yTrain, epochs: Epochs, verbose: 0);
        Assert.True(clock.Elapsed.TotalSeconds < 10, $"Example 1 took {clock.Elapsed.TotalSeconds:0.0}s");

        // Example 2
        clock.Restart();
        Utils.SetRandomSeed(42);
        var model2 = new Sequential(
            new Dense(128, activation: "relu", kernelInitializer: "he_uniform", inputShape: [784]),
            new Dense(10, activation: "softmax", kernelInitializer: "he_uniform"));
        model2.Compile(optimizer: "adam", loss: "mse", metrics: ["accuracy"]);
        History history2 = model2.Fit(xTrainNormalized, yTrain, epochs: Epochs, verbose: 0);
        Assert.True(clock.Elapsed.TotalSeconds < 10, $"Example 2 took {clock.Elapsed.TotalSeconds:0.0}s");

        // Example 3
        clock.Restart();
        var optimizer = new Adam(learningRate: 0.001);
        model2.Compile(optimizer: optimizer, loss: "mse", metrics: ["accuracy"]);
        History history3 = model2.Fit(xTrainNormalized, yTrain, epochs: Epochs, batchSize: 32, verbose: 0);
        Assert.True(clock.Elapsed.TotalSeconds < 10, $"Example 3 took {clock.Elapsed.TotalSeconds:0.0}s");

        Assert.Equal(Epochs, history["loss"].Count);
        Assert.Equal(Epochs, history2["accuracy"].Count);
        Assert.True(history2["loss"][^1] < history["loss"][^1],
            $"Example 2 final loss {history2["loss"][^1]:G4} should be below Example 1's {history["loss"][^1]:G4}.");
        // Example 3 continues from Example 2's weights with a fresh Adam: it must not undo the learning.
        Assert.True(history3["loss"][^1] <= history2["loss"][^1] * 1.05);
    }
}
