using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models;

/// <summary>Keras's <c>validation_data=(x_val, y_val, val_sample_weights)</c> and <c>validation_batch_size</c> on Fit:
/// the validation after every epoch is Evaluate's on those samples, weights and batch size.</summary>
public class ValidationOptionsTests
{
    private static (Sequential Model, Tensor X, Tensor Y, Tensor Vx, Tensor Vy) Setup()
    {
        Utils.SetRandomSeed(7);
        var model = new Sequential(new Dense(4, activation: "tanh", inputShape: [3]), new Dense(1));
        model.Compile("sgd", "mse");
        return (model, GradientCheck.Random(1, -1, 1, 40, 3), GradientCheck.Random(2, -1, 1, 40, 1),
            GradientCheck.Random(3, -1, 1, 13, 3), GradientCheck.Random(4, -1, 1, 13, 1));
    }

    [Fact]
    public void ValidationSampleWeightsAndBatchSizeAreEvaluatesOnTheValidationData()
    {
        var (model, x, y, vx, vy) = Setup();
        var weights = Tensor.FromArray(Enumerable.Range(0, 13).Select(i => (float)(i % 3)).ToArray(), [13]);
        var history = model.Fit(x, y, epochs: 1, batchSize: 16, validationData: (vx, vy), validationSampleWeight: weights,
            validationBatchSize: 5, shuffle: false, verbose: 0);
        var expected = model.Evaluate(vx, vy, batchSize: 5, sampleWeight: weights);
        Assert.Equal(expected["loss"], history["val_loss"][0], 1e-6);
        Assert.NotEqual(model.Evaluate(vx, vy, batchSize: 5)["loss"], history["val_loss"][0], 3);
    }

    [Fact]
    public void BadValidationOptionsAreRefusedByName()
    {
        var (model, x, y, vx, vy) = Setup();
        Assert.Contains("'validationSampleWeight' weighs 'validationData'", Assert.Throws<ArgumentException>(() =>
            model.Fit(x, y, validationSplit: 0.2, validationSampleWeight: new Tensor(8), verbose: 0)).Message);
        Assert.Contains("'validationBatchSize' must be positive, found 0", Assert.Throws<ArgumentException>(() =>
            model.Fit(x, y, validationData: (vx, vy), validationBatchSize: 0, verbose: 0)).Message);
        var wrongLength = Assert.Throws<ArgumentException>(() =>
            model.Fit(x, y, validationData: (vx, vy), validationSampleWeight: new Tensor(12), verbose: 0));
        Assert.Contains("'validationSampleWeight' must have shape [13]", wrongLength.Message);
        Assert.Contains("found [12]", wrongLength.Message);
    }
}
