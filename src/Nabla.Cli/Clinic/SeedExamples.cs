using Nabla.Serialization;
using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Configuration;

namespace Nabla.Cli.Clinic;

/// <summary>The three Keras programs of the vanishing-gradient question the clinic reproduces, as experiments on the embedded MNIST sample.</summary>
internal static class SeedExamples
{
    public sealed record MnistData(Tensor XTrain, Tensor YTrain, Tensor XTest, Tensor YTest);

    /// <summary>The sample as those programs use it: 784-pixel rows, raw 0..255, one-hot labels.</summary>
    public static MnistData LoadRaw()
    {
        var ((xTrain, yTrain), (xTest, yTest)) = Datasets.Mnist.LoadSample();
        return new MnistData(Flatten(xTrain), Data.Preprocessing.ToCategorical(yTrain, 10),
            Flatten(xTest), Data.Preprocessing.ToCategorical(yTest, 10));
    }

    /// <summary>x / 255: the programs' <c>x_train_normalized</c> (multiplied by the reciprocal).</summary>
    public static Tensor Normalize(Tensor x) => x * (1f / 255f);

    private static Tensor Flatten(Tensor images) => Tensor.FromArray(images.Data, images.Shape[0], images.Size / images.Shape[0]);

    /// <summary>Example 1: sigmoid, default (glorot) initialization, raw pixels, Adam, MSE.</summary>
    public static Experiment Example1(MnistData data, int epochs) => Make("example-1", data.XTrain, data.YTrain, epochs, 32, "adam",
        new Sequential(new Dense(128, activation: "sigmoid", inputShape: [784]), new Dense(10, activation: "softmax")));

    /// <summary>Example 2: ReLU with He-uniform initialization, normalized pixels.</summary>
    public static Experiment Example2(MnistData data, int epochs) => Make("example-2", Normalize(data.XTrain), data.YTrain, epochs, 32, "adam",
        new Sequential(
            new Dense(128, activation: "relu", kernelInitializer: "he_uniform", inputShape: [784]),
            new Dense(10, activation: "softmax", kernelInitializer: "he_uniform")));

    /// <summary>Example 3: Example 2 with an explicit Adam(learning_rate=0.001) and batch_size=32.</summary>
    public static Experiment Example3(MnistData data, int epochs) => Example2(data, epochs) with
    {
        Name = "example-3",
        Optimizer = new Config { ["class_name"] = "Adam", ["config"] = new Config { ["learning_rate"] = 0.001 } },
        BatchSize = 32,
    };

    private static Experiment Make(string name, Tensor x, Tensor y, int epochs, int batch, string optimizer, Sequential model) => new()
    {
        Name = name,
        Model = KerasModelJson.ToConfig(model),
        Optimizer = optimizer,
        Loss = "mse",
        Metrics = ["accuracy"],
        X = x,
        Y = y,
        Epochs = epochs,
        BatchSize = batch,
        Seed = 42,
    };
}
