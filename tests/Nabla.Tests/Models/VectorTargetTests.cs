using Nabla.Layers;

namespace Nabla.Tests.Models;

/// <summary>Targets of shape [N] for a one-unit output, as Keras accepts them (it expands y to [N, 1]).</summary>
public class VectorTargetTests
{
    private static (Tensor X, Tensor Y) Regression(int samples = 64)
    {
        var x = new Tensor([samples, 3]);
        var y = new Tensor([samples]);
        for (int i = 0; i < samples; i++)
        {
            for (int f = 0; f < 3; f++) x.Data[i * 3 + f] = (float)Math.Sin(i * 0.37 + f);
            y.Data[i] = x.Data[i * 3] * 2 - x.Data[i * 3 + 2] + 0.5f;
        }
        return (x, y);
    }

    private static (IReadOnlyList<Tensor> Weights, IReadOnlyList<double> Loss, IReadOnlyDictionary<string, double> Evaluation)
        Train(Tensor x, Tensor y, string loss, string[] metrics)
    {
        Utils.SetRandomSeed(3);
        var model = new Sequential(new Dense(8, activation: "relu", inputShape: [3]), new Dense(1));
        model.Compile("adam", loss, metrics);
        var history = model.Fit(x, y, epochs: 3, batchSize: 16, validationSplit: 0.25, verbose: 0);
        return (model.GetWeights(), history["val_loss"], model.Evaluate(x, y));
    }

    [Theory]
    [InlineData("mse", "mae")]
    [InlineData("binary_crossentropy", "accuracy")]
    public void TargetsOfShapeNTrainAndEvaluateExactlyAsTargetsOfShapeNByOne(string loss, string metric)
    {
        var (x, y) = Regression();
        if (loss == "binary_crossentropy")
            for (int i = 0; i < y.Size; i++) y.Data[i] = y.Data[i] > 0.5f ? 1 : 0;
        var flat = Train(x, y, loss, [metric]);
        var column = Train(x, Tensor.FromArray(y.Data, y.Shape[0], 1), loss, [metric]);
        Assert.Equal(column.Loss, flat.Loss);
        for (int i = 0; i < flat.Weights.Count; i++) Assert.Equal(column.Weights[i].Data, flat.Weights[i].Data);
        Assert.Equal(column.Evaluation, flat.Evaluation);
    }

    [Fact]
    public void TargetsOfShapeNAreStillRefusedForAWiderOutput()
    {
        var (x, y) = Regression();
        var model = new Sequential(new Dense(2, inputShape: [3]));
        model.Compile("sgd", "mse");
        var error = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0));
        Assert.Contains("outputs (None, 2)", error.Message);
    }
}
