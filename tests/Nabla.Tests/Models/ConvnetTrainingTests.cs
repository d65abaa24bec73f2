using Nabla.Data;
using Nabla.Datasets;
using Nabla.Layers;

namespace Nabla.Tests.Models;

/// <summary>The issue's "simple MNIST convnet" program, run as written on a slice of the embedded sample, and
/// its steady-state training step's allocations.</summary>
public class ConvnetTrainingTests
{
    private static Tensor Rows(Tensor t, int count)
    {
        int row = t.Size / t.Shape[0];
        return Tensor.FromArray(t.Data[..(count * row)], [count, .. t.Shape[1..]]);
    }

    [Fact]
    public void TheSimpleMnistConvnetLearnsOnTheEmbeddedSample()
    {
        Utils.SetRandomSeed(7);
        // The program of the issue, line for line, with 2,048 training digits and 2 epochs instead of all and 15.
        var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadSample();
        var x = Tensor.Reshape(Rows(xTrain, 2048), -1, 28, 28, 1) / 255f;
        var model = new Sequential(
            new Conv2D(32, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1]),
            new MaxPooling2D(poolSize: 2),
            new Conv2D(64, kernelSize: (3, 3), activation: "relu"),
            new MaxPooling2D(poolSize: (2, 2)),
            new Flatten(),
            new Dropout(0.5),
            new Dense(10, activation: "softmax"));
        model.Compile(optimizer: "adam", loss: "categorical_crossentropy", metrics: ["accuracy"]);
        var history = model.Fit(x, Preprocessing.ToCategorical(Rows(yTrain, 2048), 10), batchSize: 128, epochs: 2,
            validationSplit: 0.1, verbose: 0);

        Assert.True(history["val_accuracy"][^1] > 0.7, $"val_accuracy {history["val_accuracy"][^1]}");
        var test = model.Evaluate(Tensor.Reshape(Rows(xTest, 1000), -1, 28, 28, 1) / 255f,
            Preprocessing.ToCategorical(Rows(yTest, 1000), 10));
        Assert.True(test["accuracy"] > 0.7, $"test accuracy {test["accuracy"]}");
    }

    [Fact]
    public void SteadyStateConvTrainingStepAllocatesNothing()
    {
        Utils.SetRandomSeed(3);
        var x = Nabla.Tests.TestSupport.GradientCheck.Random(1, 0, 1, 16, 12, 12, 2);
        var y = new Tensor(16, 4);
        for (int i = 0; i < 16; i++) y.Data[i * 4 + i % 4] = 1f;
        var model = new Sequential(
            new ZeroPadding2D(1, inputShape: [12, 12, 2]),
            new Conv2D(8, 3, strides: 2, padding: "same", activation: "relu", kernelRegularizer: "l2"),
            new AveragePooling2D(2, padding: "same"),
            new Conv2D(8, 1, activation: "tanh"),
            new MaxPooling2D(2),
            new LeakyReLU(),
            new Reshape([-1, 8]),
            new Conv1D(4, 1),
            new GlobalAveragePooling1D(),
            new Softmax());
        model.Compile("adam", "categorical_crossentropy");
        for (int i = 0; i < 5; i++) model.TrainOnBatch(x, y);
        long allocated = long.MaxValue;
        for (int window = 0; window < 5 && allocated > 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) model.TrainOnBatch(x, y);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(allocated == 0, $"20 steady-state steps allocated {allocated} bytes.");
    }
}
