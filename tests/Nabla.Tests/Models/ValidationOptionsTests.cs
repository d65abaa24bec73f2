using Nabla.Callbacks;
using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Tests.Data;
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

    [Fact]
    public void ValidationFreqValidatesEveryNthEpochAndMonitorsSkipTheOthers()
    {
        var (model, x, y, vx, vy) = Setup();
        using var folder = new TempFolder();
        var stopping = new EarlyStopping(patience: 10);
        var plateau = new ReduceLROnPlateau(patience: 10);
        var checkpoint = new ModelCheckpoint(folder.File("best-{epoch}.safetensors"), saveBestOnly: true, saveWeightsOnly: true);
        var doctor = new TrainingDoctor();
        var csv = new CSVLogger(folder.File("log.csv"));
        var history = model.Fit(x, y, epochs: 5, validationData: (vx, vy), validationFreq: 2, verbose: 0,
            callbacks: [stopping, plateau, checkpoint, doctor, csv]);
        // Keras's _should_eval: epochs 2 and 4 (counted from 1).
        Assert.Equal(5, history["loss"].Count);
        Assert.Equal(2, history["val_loss"].Count);
        // Saved only where there was a val_loss to compare: epoch 2, then epoch 4 if it improved.
        var saved = Directory.GetFiles(folder.Path, "best-*").Select(Path.GetFileName).Order().ToArray();
        Assert.Contains("best-2.safetensors", saved);
        Assert.All(saved, f => Assert.True(f is "best-2.safetensors" or "best-4.safetensors", f));
        // The log gets its val_loss column once epoch 2 has one, NA where an epoch did not validate.
        var lines = File.ReadAllLines(folder.File("log.csv"));
        Assert.Equal("epoch,loss,val_loss", lines[0]);
        Assert.Equal(["NA", history["val_loss"][0].ToString("R", System.Globalization.CultureInfo.InvariantCulture), "NA"],
            lines[1..4].Select(l => l.Split(',')[2]));
        Assert.True(doctor.Diagnosis.Finished);
        // The doctor keeps one value per epoch: NaN where an epoch did not validate.
        Assert.Equal([double.NaN, history["val_loss"][0], double.NaN, history["val_loss"][1], double.NaN], doctor.Diagnosis.History["val_loss"]);

        var missing = new EarlyStopping(monitor: "val_accuracy");
        Assert.Contains("EarlyStopping monitors 'val_accuracy', which the logs do not have",
            Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, epochs: 2, validationData: (vx, vy), verbose: 0, callbacks: [missing])).Message);
        Assert.Contains("'validationFreq' must be a positive number of epochs, found 0",
            Assert.Throws<ArgumentException>(() => model.Fit(x, y, validationData: (vx, vy), validationFreq: 0, verbose: 0)).Message);
    }
}
