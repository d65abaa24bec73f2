using System.Diagnostics;
using System.Globalization;
using Nabla.Data;
using Nabla.Datasets;

namespace Nabla.Cli.Bench;

/// <summary>
/// <c>nabla bench --network cnn --accuracy</c>: Keras's simple MNIST convnet program as written (batch 128,
/// validation split 0.1, Adam, categorical crossentropy) on the embedded MNIST sample, ending with its test
/// accuracy, so that the TorchSharp peer can train the same network on the same digits (<c>--data-out</c>
/// writes them as .npy) and the two accuracies can be compared.
/// </summary>
internal static class ConvnetAccuracy
{
    public static void Run(int epochs, int seed, string? dataOut)
    {
        var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadSample();
        var x = Tensor.Reshape(xTrain, -1, 28, 28, 1) / 255f;
        var xt = Tensor.Reshape(xTest, -1, 28, 28, 1) / 255f;
        if (dataOut is not null)
        {
            Directory.CreateDirectory(dataOut);
            Npy.Save(Path.Combine(dataOut, "x_train.npy"), x);
            Npy.Save(Path.Combine(dataOut, "y_train.npy"), yTrain);
            Npy.Save(Path.Combine(dataOut, "x_test.npy"), xt);
            Npy.Save(Path.Combine(dataOut, "y_test.npy"), yTest);
            Console.Error.WriteLine($"wrote the sample's {x.Shape[0]:N0} training and {xt.Shape[0]:N0} test digits to {Path.GetFullPath(dataOut)}");
        }
        Utils.SetRandomSeed(seed);
        var model = EpochTimer.SimpleMnistConvnet();
        model.Compile(optimizer: "adam", loss: "categorical_crossentropy", metrics: ["accuracy"]);
        var clock = Stopwatch.StartNew();
        model.Fit(x, Preprocessing.ToCategorical(yTrain, 10), batchSize: 128, epochs: epochs, validationSplit: 0.1, verbose: 0);
        var test = model.Evaluate(xt, Preprocessing.ToCategorical(yTest, 10));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"simple MNIST convnet, {epochs} epochs on {x.Shape[0]:N0} digits: test accuracy {test["accuracy"]:0.0000}, loss {test["loss"]:0.0000}, {clock.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT framework=nabla mode=accuracy network=cnn epochs={epochs} seed={seed} test_accuracy={test["accuracy"]:0.0000} test_loss={test["loss"]:0.0000}"));
    }
}
