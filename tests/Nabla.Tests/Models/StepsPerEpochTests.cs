using Nabla.Callbacks;
using Nabla.Data;
using Nabla.Tests.Data;
using Nabla.Tests.TestSupport;
using static Nabla.Tests.Models.FitOnDatasetTests;

namespace Nabla.Tests.Models;

/// <summary>Fit's stepsPerEpoch and validationSteps, Evaluate's and Predict's steps on a <see cref="Dataset"/>, as
/// Keras's EpochIterator: a pass over the batches goes on across epochs, a new pass starts once one is used up, an
/// epoch that runs out of batches ends there, and an endless dataset is read at indices 0, 1, 2….</summary>
public class StepsPerEpochTests
{
    [Fact]
    public void StepsThatDivideThePassReadItAcrossEpochsAndTrainAsWholePassesDo()
    {
        var (x, y) = Blobs(100);
        var halves = new RecordingDataset(x, y, batchSize: 10);
        Utils.SetRandomSeed(6);
        var stepped = Classifier();
        Utils.SetRandomSeed(6);
        var history = stepped.Fit(halves, epochs: 4, stepsPerEpoch: 5, verbose: 0);

        var epochs = halves.EpochReads();
        Assert.Equal(4, epochs.Count);
        Assert.All(epochs, e => Assert.Equal(5, e.Length));
        // Epochs 1-2 and 3-4 each read one pass: every batch once, in one shuffled order per pass.
        Assert.Equal(Enumerable.Range(0, 10), epochs[0].Concat(epochs[1]).Order());
        Assert.Equal(Enumerable.Range(0, 10), epochs[2].Concat(epochs[3]).Order());
        Assert.NotEqual(epochs[0].Concat(epochs[1]), epochs[2].Concat(epochs[3]));
        Assert.Equal(4, history["loss"].Count);

        // The same batches in the same order as two epochs of whole passes: the same weights, bit for bit.
        Utils.SetRandomSeed(6);
        var whole = Classifier();
        Utils.SetRandomSeed(6);
        whole.Fit(new RecordingDataset(x, y, batchSize: 10), epochs: 2, verbose: 0);
        AssertSameWeights(whole, stepped);
    }

    [Fact]
    public void AnEpochThatRunsOutOfBatchesEndsThereWithAWarningAndTheNextStartsANewPass()
    {
        var (x, y) = Blobs(50);
        var data = new RecordingDataset(x, y, batchSize: 10);
        var model = Classifier();
        string warning = StandardError.Capture(() => model.Fit(data, epochs: 4, stepsPerEpoch: 3, shuffle: false, verbose: 0));

        Assert.Equal([[0, 1, 2], [3, 4], [0, 1, 2], [3, 4]], data.EpochReads());
        Assert.Contains($"model '{model.Name}': dataset RecordingDataset ran out of batches before the epoch's 3 steps", warning);
        Assert.Single(warning.Split('\n'), l => l.Contains("ran out of batches"));
    }

    [Fact]
    public void MoreStepsThanThePassHasReadThePassOncePerEpoch()
    {
        var (x, y) = Blobs(30);
        var data = new RecordingDataset(x, y, batchSize: 10);
        StandardError.Capture(() => Classifier().Fit(data, epochs: 2, stepsPerEpoch: 7, shuffle: false, verbose: 0));
        Assert.Equal([[0, 1, 2], [0, 1, 2]], data.EpochReads());
    }

    [Fact]
    public void AnEndlessDatasetIsReadOnAcrossEpochsAndNeedsTheirSteps()
    {
        var (x, y) = Blobs(40);
        var endless = new RecordingDataset(x, y, batchSize: 10, endless: true);
        var model = Classifier();
        var error = Assert.Throws<ArgumentException>(() => model.Fit(endless, epochs: 2, verbose: 0));
        Assert.Contains("dataset RecordingDataset is endless (its BatchCount is null); give 'stepsPerEpoch'", error.Message);

        var history = model.Fit(endless, epochs: 3, stepsPerEpoch: 3, verbose: 0);
        // Shuffling has no pass to reorder: the indices run on.
        Assert.Equal([[0, 1, 2], [3, 4, 5], [6, 7, 8]], endless.EpochReads());
        Assert.Equal(3, history["loss"].Count);

        var validation = Assert.Throws<ArgumentException>(() => model.Fit(Dataset.FromArrays(x, y), validationData: endless, verbose: 0));
        Assert.Contains("give 'validationSteps'", validation.Message);
        Assert.Throws<ArgumentException>(() => model.Fit(Dataset.FromArrays(x, y), validationSteps: 2, verbose: 0));
        Assert.Contains("give 'steps'", Assert.Throws<ArgumentException>(() => model.Evaluate(endless)).Message);
        Assert.Contains("give 'steps'", Assert.Throws<ArgumentException>(() => model.Predict(endless)).Message);
        Assert.Contains("'stepsPerEpoch' must be at least 1, found 0",
            Assert.Throws<ArgumentException>(() => model.Fit(endless, stepsPerEpoch: 0, verbose: 0)).Message);
    }

    [Fact]
    public void StepsLimitEvaluateAndPredictToTheFirstBatchesAndValidationToItsFirstBatchesEveryEpoch()
    {
        var (x, y) = Blobs(60);
        var model = Classifier();
        model.Fit(x, y, epochs: 2, verbose: 0);
        var first = Enumerable.Range(0, 20).ToArray();
        var (fx, fy) = (Preprocessing.TakeRows(x, first), Preprocessing.TakeRows(y, first));

        var onRows = model.Evaluate(fx, fy, batchSize: 10);
        var onSteps = model.Evaluate(new RecordingDataset(x, y, batchSize: 10, endless: true), steps: 2);
        foreach (var key in onRows.Keys) Assert.Equal(onRows[key], onSteps[key], 1e-6);
        Assert.Equal(model.Predict(fx).Data, model.Predict(Dataset.FromArrays(x, batchSize: 10), steps: 2).Data);

        string warning = StandardError.Capture(() =>
            Assert.Equal(model.Evaluate(x, y)["loss"], model.Evaluate(Dataset.FromArrays(x, y, batchSize: 10), steps: 9)["loss"], 1e-6));
        Assert.Contains("Evaluate asked for 9 steps but dataset ArrayDataset has 6 batches; it reads those 6", warning);
        string validating = StandardError.Capture(() => Classifier().Fit(Dataset.FromArrays(x, y, 10), epochs: 3,
            validationData: Dataset.FromArrays(x, y, 10), validationSteps: 9, verbose: 0));
        Assert.Single(validating.Split('\n'), l => l.Contains("Fit's validation asked for 9 steps"));

        var validation = new RecordingDataset(x, y, batchSize: 10);
        var history = Classifier().Fit(Dataset.FromArrays(x, y, 10), epochs: 2, validationData: validation, validationSteps: 2, verbose: 0);
        Assert.Equal(["get 0", "get 1", "get 0", "get 1"], validation.Calls);
        Assert.Equal(2, history["val_loss"].Count);
    }

    [Fact]
    public void WorkersReadOnlyTheEpochsStepsAheadAndTrainToTheSameWeights()
    {
        var (x, y) = Blobs(120);
        Utils.SetRandomSeed(9);
        var one = Classifier();
        Utils.SetRandomSeed(9);
        one.Fit(new RecordingDataset(x, y, 8), epochs: 3, stepsPerEpoch: 4, verbose: 0);
        Utils.SetRandomSeed(9);
        var three = Classifier();
        Utils.SetRandomSeed(9);
        var threaded = new RecordingDataset(x, y, 8, workers: 3);
        three.Fit(threaded, epochs: 3, stepsPerEpoch: 4, verbose: 0);

        AssertSameWeights(one, three);
        Assert.Equal(1 + 3 * 4, threaded.Reads);
    }

    [Fact]
    public void BackupAndRestoreResumesAPassInTheMiddleWithTheSameBits()
    {
        using var folder = new TempFolder();
        var (x, y) = Blobs(70);
        Utils.SetRandomSeed(4);
        var reference = Classifier();
        Utils.SetRandomSeed(4);
        StandardError.Capture(() => reference.Fit(new RecordingDataset(x, y, 10), epochs: 5, stepsPerEpoch: 3, verbose: 0));

        // Stopped after epoch 2, whose pass (7 batches) is 6 batches in; the backup stays, as after a kill.
        Utils.SetRandomSeed(4);
        var first = Classifier();
        Utils.SetRandomSeed(4);
        string dir = folder.File("backup");
        var stopAfterTwo = new LambdaCallback(onEpochEnd: (epoch, _) => first.StopTraining = epoch == 1);
        StandardError.Capture(() => first.Fit(new RecordingDataset(x, y, 10), epochs: 5, stepsPerEpoch: 3, verbose: 0,
            callbacks: [new BackupAndRestore(dir, deleteCheckpoint: false), stopAfterTwo]));

        Utils.SetRandomSeed(99);
        var resumed = Classifier();
        var data = new RecordingDataset(x, y, 10);
        StandardError.Capture(() => resumed.Fit(data, epochs: 5, stepsPerEpoch: 3, verbose: 0, callbacks: [new BackupAndRestore(dir)]));
        Assert.Equal(3, data.EpochReads().Count);
        Assert.Single(data.EpochReads()[0]); // the pass's last batch, then epoch 3's pass ran out
        AssertSameWeights(reference, resumed);
    }

    [Fact]
    public void BackupAndRestoreResumesAnEndlessDatasetAtTheNextIndex()
    {
        using var folder = new TempFolder();
        var (x, y) = Blobs(40);
        string dir = folder.File("backup");
        var first = Classifier();
        var stopAfterTwo = new LambdaCallback(onEpochEnd: (epoch, _) => first.StopTraining = epoch == 1);
        first.Fit(new RecordingDataset(x, y, 10, endless: true), epochs: 4, stepsPerEpoch: 3, verbose: 0,
            callbacks: [new BackupAndRestore(dir, deleteCheckpoint: false), stopAfterTwo]);

        var data = new RecordingDataset(x, y, 10, endless: true);
        Classifier().Fit(data, epochs: 4, stepsPerEpoch: 3, verbose: 0, callbacks: [new BackupAndRestore(dir)]);
        Assert.Equal([[6, 7, 8], [9, 10, 11]], data.EpochReads());
    }

    /// <summary>The arrays' batches of <paramref name="batchSize"/> rows, yielded in order, forever when
    /// <paramref name="forever"/> (each pass counted in <paramref name="passes"/>).</summary>
    private static IEnumerable<DataBatch> Batches(Tensor x, Tensor y, int batchSize, bool forever, int[] passes)
    {
        var arrays = Dataset.FromArrays(x, y, batchSize);
        passes[0]++;
        do
            for (int i = 0; i < arrays.BatchCount; i++) yield return arrays.GetBatch(i);
        while (forever);
    }

    [Fact]
    public void AGeneratorIsReadInOrderOncePerPassAsTheArraysBatchesAre()
    {
        var (x, y) = Blobs(60);
        var passes = new int[1];
        var fromGenerator = Classifier();
        var history = fromGenerator.Fit(Dataset.FromGenerator(() => Batches(x, y, 10, false, passes), batchCount: 6), epochs: 3, verbose: 0);
        // Shuffle (on by default) cannot reorder a generator: the same bits as the arrays' batches unshuffled.
        var fromArrays = Classifier();
        var expected = fromArrays.Fit(Dataset.FromArrays(x, y, 10), epochs: 3, shuffle: false, verbose: 0);
        AssertSameWeights(fromArrays, fromGenerator);
        Assert.Equal(expected["loss"], history["loss"]);
        Assert.Equal(1 + 3, passes[0]); // batch 0 read first for the shapes, then one pass per epoch
    }

    [Fact]
    public void AnEndlessGeneratorTrainsForItsStepsAndResumesWhereItsBackupLeftIt()
    {
        using var folder = new TempFolder();
        var (x, y) = Blobs(40);
        var passes = new int[1];
        Dataset Endless() => Dataset.FromGenerator(() => Batches(x, y, 10, true, passes));
        var reference = Classifier();
        reference.Fit(Endless(), epochs: 4, stepsPerEpoch: 3, verbose: 0);
        var cycled = Classifier();
        cycled.Fit(new RecordingDataset(x, y, 10, endless: true), epochs: 4, stepsPerEpoch: 3, verbose: 0);
        AssertSameWeights(cycled, reference);

        string dir = folder.File("backup");
        var first = Classifier();
        var stopAfterTwo = new LambdaCallback(onEpochEnd: (epoch, _) => first.StopTraining = epoch == 1);
        first.Fit(Endless(), epochs: 4, stepsPerEpoch: 3, verbose: 0, callbacks: [new BackupAndRestore(dir, deleteCheckpoint: false), stopAfterTwo]);
        var resumed = Classifier();
        resumed.Fit(Endless(), epochs: 4, stepsPerEpoch: 3, verbose: 0, callbacks: [new BackupAndRestore(dir)]);
        AssertSameWeights(reference, resumed);
    }

    [Fact]
    public void AGeneratorThatEndsTooSoonIsNamed()
    {
        var (x, y) = Blobs(30);
        var passes = new int[1];
        var tooShort = Dataset.FromGenerator(() => Batches(x, y, 10, false, passes), batchCount: 5);
        Assert.Contains("the generator ended after 3 batches, but batchCount is 5",
            Assert.Throws<InvalidOperationException>(() => Classifier().Fit(tooShort, verbose: 0)).Message);
        var ends = Dataset.FromGenerator(() => Batches(x, y, 10, false, passes));
        Assert.Contains("the generator ended after 3 batches; without batchCount the dataset is endless",
            Assert.Throws<InvalidOperationException>(() => Classifier().Fit(ends, stepsPerEpoch: 5, verbose: 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.FromGenerator(() => [], batchCount: 0));
    }

    /// <summary>A dataset that counts the passes Fit ends (Nabla's own datasets reshuffle there).</summary>
    private sealed class PassCounting(Tensor x, Tensor y) : Dataset
    {
        private readonly Dataset inner = FromArrays(x, y, 10);
        public int Passes, Epochs;
        public override int? BatchCount => inner.BatchCount;
        public override DataBatch GetBatch(int index) => inner.GetBatch(index);
        internal override void OnPassEnd() => Passes++;
        public override void OnEpochEnd() => Epochs++;
    }

    [Fact]
    public void APassEndsOnlyWhenItsLastBatchIsRead()
    {
        var (x, y) = Blobs(60);
        var data = new PassCounting(x, y);
        Classifier().Fit(data, epochs: 6, stepsPerEpoch: 3, verbose: 0);
        Assert.Equal((3, 6), (data.Passes, data.Epochs));
        var whole = new PassCounting(x, y);
        Classifier().Fit(whole, epochs: 4, verbose: 0);
        Assert.Equal((4, 4), (whole.Passes, whole.Epochs));
    }
}
