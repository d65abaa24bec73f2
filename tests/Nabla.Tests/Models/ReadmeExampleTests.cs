using Nabla.Data;
using Nabla.Datasets;
using Nabla.Layers;

namespace Nabla.Tests.Models;

/// <summary>The README's example, compiled and run (one epoch), so the front page cannot rot.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExample2RunsOnTheEmbeddedSample()
    {
        Utils.SetRandomSeed(42);
        var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadSample();
        var x = Tensor.Reshape(xTrain, -1, 784);
        var xTrainNormalized = x / 255f;
        var y = Preprocessing.ToCategorical(yTrain, 10);

        var model2 = new Sequential(
            new Dense(128, activation: "relu", kernelInitializer: "he_uniform", inputShape: [784]),
            new Dense(10, activation: "softmax", kernelInitializer: "he_uniform"));
        model2.Compile(optimizer: "adam", loss: "mse", metrics: ["accuracy"]);
        History history = model2.Fit(xTrainNormalized, y, epochs: 1, verbose: 0);

        // One epoch over 8,000 real digits already separates the classes well above chance (10%).
        Assert.True(history["accuracy"][^1] > 0.8, $"accuracy {history["accuracy"][^1]}");
        var test = model2.Evaluate(Tensor.Reshape(xTest, -1, 784) / 255f, Preprocessing.ToCategorical(yTest, 10));
        Assert.True(test["accuracy"] > 0.8, $"test accuracy {test["accuracy"]}");
    }
}
