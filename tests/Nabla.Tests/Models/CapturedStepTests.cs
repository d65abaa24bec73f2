using Nabla.Layers;

namespace Nabla.Tests.Models;

/// <summary>Capturing a step records its graph by running it once; that pass must change nothing a user sees.</summary>
public class CapturedStepTests
{
    [Fact]
    public void CapturingATrainingStepLeavesBatchNormStatisticsAndTheGeneratorAlone()
    {
        Utils.SetRandomSeed(4);
        var model = new Sequential(new Dense(6, activation: "relu", inputShape: [3]), new BatchNormalization(),
            new Dropout(0.5), new Dense(2, activation: "softmax"));
        model.Compile("adam", "categorical_crossentropy");
        var x = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (float)Math.Sin(i)).ToArray(), 8, 3);
        var y = new Tensor(8, 2);
        var statistics = model.NonTrainableWeights.Select(w => (float[])w.Data.Clone()).ToArray();
        var expectedDraws = Utils.Random.Clone();

        model.GetStep(StepKind.Train, 8, x, y);

        var after = model.NonTrainableWeights;
        for (int w = 0; w < statistics.Length; w++) Assert.Equal(statistics[w], after[w].Data);
        Assert.Equal(expectedDraws.NextDouble(), Utils.Random.NextDouble());
    }

    [Fact]
    public void AModelLoadedFromASaveTrainsOnAsTheSavedOneWithBatchNormAndDropout()
    {
        // Before capture was side-effect free, the loaded model's first capture moved its batch-norm statistics
        // and drew dropout masks from the generator a second time, so the two models drifted apart.
        using var folder = new Nabla.Tests.Data.TempFolder();
        Utils.SetRandomSeed(8);
        var model = new Sequential(new Dense(6, activation: "relu", inputShape: [3]), new BatchNormalization(),
            new Dropout(0.3), new Dense(2, activation: "softmax"));
        model.Compile("sgd", "categorical_crossentropy");
        var x = Tensor.FromArray(Enumerable.Range(0, 60).Select(i => (float)Math.Cos(i)).ToArray(), 20, 3);
        var y = Tensor.FromArray(Enumerable.Range(0, 40).Select(i => (float)(i % 2)).ToArray(), 20, 2);
        model.Fit(x, y, epochs: 1, batchSize: 8, verbose: 0);
        string path = folder.File("m.keras");
        model.Save(path);
        var loaded = Model.Load(path);
        Utils.SetRandomSeed(3);
        model.Fit(x, y, epochs: 1, batchSize: 8, verbose: 0);
        Utils.SetRandomSeed(3);
        loaded.Fit(x, y, epochs: 1, batchSize: 8, verbose: 0);
        var (a, b) = (model.GetWeights(), loaded.GetWeights());
        for (int w = 0; w < a.Count; w++) Assert.Equal(a[w].Data, b[w].Data);
    }
}
