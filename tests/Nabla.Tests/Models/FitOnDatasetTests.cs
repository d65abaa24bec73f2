using Nabla.Callbacks;
using Nabla.Data;
using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models;

/// <summary>Fit, Evaluate and Predict on a <see cref="Dataset"/> (Keras's PyDataset): the same numbers as on arrays,
/// Keras's epoch hooks and batch-order shuffle, read-ahead workers that change nothing but the timing, and errors
/// that name the batch.</summary>
public class FitOnDatasetTests
{
    internal static (Tensor X, Tensor Y) Blobs(int samples = 100, int seed = 3)
    {
        var rng = new RandomGenerator(seed);
        var x = new Tensor(samples, 4);
        var y = new Tensor(samples, 3);
        for (int i = 0; i < samples; i++)
        {
            int label = i % 3;
            y.Data[i * 3 + label] = 1;
            for (int j = 0; j < 4; j++) x.Data[i * 4 + j] = (float)(rng.NextNormal() * 0.5 + (j == label ? 2 : 0));
        }
        return (x, y);
    }

    internal static Sequential Classifier()
    {
        Utils.SetRandomSeed(11);
        var model = new Sequential(new Dense(8, activation: "relu", inputShape: [4]), new Dense(3, activation: "softmax"));
        model.Compile("adam", "categorical_crossentropy", ["accuracy"]);
        return model;
    }

    internal static void AssertSameWeights(Model expected, Model actual)
    {
        var (a, b) = (expected.GetWeights(), actual.GetWeights());
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].Data, b[i].Data);
    }

    [Fact]
    public void TrainingOnADatasetOfTheArraysBatchesGivesTheArraysResultBitForBit()
    {
        var (x, y) = Blobs();
        var (vx, vy) = Blobs(30, seed: 4);
        var onArrays = Classifier();
        var arrays = onArrays.Fit(x, y, epochs: 3, batchSize: 16, validationData: (vx, vy), shuffle: false, verbose: 0);
        var onDataset = Classifier();
        var dataset = onDataset.Fit(Dataset.FromArrays(x, y, batchSize: 16), epochs: 3,
            validationData: Dataset.FromArrays(vx, vy, batchSize: 16), shuffle: false, verbose: 0);

        AssertSameWeights(onArrays, onDataset);
        Assert.Equal(arrays.Keys.Order(), dataset.Keys.Order());
        foreach (var key in arrays.Keys) Assert.Equal(arrays[key], dataset[key]);
    }

    [Fact]
    public void EvaluateAndPredictOnADatasetMatchTheArrays()
    {
        var (x, y) = Blobs(70);
        var model = Classifier();
        model.Fit(x, y, epochs: 2, verbose: 0);
        var onArrays = model.Evaluate(x, y, batchSize: 32);
        var onDataset = model.Evaluate(Dataset.FromArrays(x, y, batchSize: 32));
        foreach (var key in onArrays.Keys) Assert.Equal(onArrays[key], onDataset[key], 1e-6);
        Assert.Equal(model.Predict(x).Data, model.Predict(Dataset.FromArrays(x, batchSize: 9)).Data);
    }

    [Fact]
    public void SampleWeightsAndClassWeightsInBatchesWeighTheLossAsOnArrays()
    {
        var (x, y) = Blobs(64);
        var weights = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)(i % 4)).ToArray(), [64]);
        var a = Classifier();
        a.Fit(x, y, epochs: 2, batchSize: 16, shuffle: false, verbose: 0, sampleWeight: weights);
        var b = Classifier();
        b.Fit(Dataset.FromArrays(x, y, 16, weights), epochs: 2, shuffle: false, verbose: 0);
        AssertSameWeights(a, b);

        var classWeight = new Dictionary<int, double> { [0] = 1, [1] = 5, [2] = 0.5 };
        var c = Classifier();
        c.Fit(x, y, epochs: 2, batchSize: 16, shuffle: false, verbose: 0, classWeight: classWeight);
        var d = Classifier();
        d.Fit(Dataset.FromArrays(x, y, 16), epochs: 2, shuffle: false, verbose: 0, classWeight: classWeight);
        AssertSameWeights(c, d);
    }

    [Fact]
    public void EachEpochReadsEveryBatchOnceBetweenTheHooksInANewOrderWhenShuffling()
    {
        var (x, y) = Blobs(50);
        var data = new RecordingDataset(x, y, batchSize: 10);
        Utils.SetRandomSeed(5);
        Classifier().Fit(data, epochs: 3, verbose: 0);

        Assert.Equal("get 0", data.Calls[0]); // batch 0, read first for the shapes, as Keras reads it
        Assert.Equal("begin", data.Calls[1]);
        Assert.Equal("end", data.Calls[^1]);
        var epochs = data.EpochReads();
        Assert.Equal(3, epochs.Count);
        Assert.Equal(1 + 3 * (5 + 2), data.Calls.Count);
        foreach (var order in epochs) Assert.Equal([0, 1, 2, 3, 4], order.Order());
        Assert.True(epochs.Distinct(new OrderComparer()).Count() > 1, "three epochs read their batches in the same order");

        var unshuffled = new RecordingDataset(x, y, batchSize: 10);
        Classifier().Fit(unshuffled, epochs: 1, shuffle: false, verbose: 0);
        Assert.Equal(["get 0", "begin", "get 0", "get 1", "get 2", "get 3", "get 4", "end"], unshuffled.Calls);
    }

    private sealed class OrderComparer : IEqualityComparer<int[]>
    {
        public bool Equals(int[]? a, int[]? b) => a!.SequenceEqual(b!);
        public int GetHashCode(int[] a) => a.Aggregate(17, (h, v) => h * 31 + v);
    }

    [Fact]
    public void WorkersReadAheadButTrainInTheSameOrderToTheSameWeights()
    {
        var (x, y) = Blobs(120);
        Utils.SetRandomSeed(8);
        var one = Classifier();
        Utils.SetRandomSeed(8);
        var oneHistory = one.Fit(new RecordingDataset(x, y, 8), epochs: 2, verbose: 0);
        var two = Classifier();
        Utils.SetRandomSeed(8);
        var threaded = new RecordingDataset(x, y, 8, workers: 3);
        var twoHistory = two.Fit(threaded, epochs: 2, verbose: 0);

        AssertSameWeights(one, two);
        Assert.Equal(oneHistory["loss"], twoHistory["loss"]);
        Assert.Equal(1 + 2 * 15, threaded.Reads);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ABatchThatCannotBeReadStopsFitWithItsOwnErrorAndNoReadOutlivesFit(int workers)
    {
        var (x, y) = Blobs(80);
        var data = new RecordingDataset(x, y, 8, workers, failAt: 6);
        var error = Assert.Throws<IOException>(() => Classifier().Fit(data, epochs: 2, shuffle: false, verbose: 0));
        Assert.Equal("batch 6 is unreadable", error.Message);
        int reads = data.Reads;
        Thread.Sleep(50);
        Assert.Equal(reads, data.Reads);
        // Read ahead, at most the queue's 2 batches past the one that failed are started.
        Assert.InRange(reads, 1 + 7, 1 + 7 + 2);
    }

    private sealed class Batches(params DataBatch[] batches) : Dataset
    {
        public override int? BatchCount => batches.Length;
        public override DataBatch GetBatch(int index) => batches[index];
    }

    [Fact]
    public void BadBatchesAreRefusedNamingTheDatasetAndTheBatch()
    {
        var (x, y) = Blobs(20);
        var model = Classifier();
        var good = new DataBatch(Preprocessing.RowRange(x, 0, 10), Preprocessing.RowRange(y, 0, 10));

        var noTargets = Assert.Throws<ArgumentException>(() => model.Fit(new Batches(good, new DataBatch(x)), verbose: 0));
        Assert.Contains("Batches.GetBatch(1) returned a batch without targets", noTargets.Message);

        var wrongWidth = new DataBatch(Preprocessing.RowRange(x, 0, 5), new Tensor(5, 2));
        var shape = Assert.Throws<ArgumentException>(() => model.Fit(new Batches(good, wrongWidth), verbose: 0));
        Assert.Contains("Batches batch 1: y", shape.Message);

        var ragged = new DataBatch(x, Preprocessing.RowRange(y, 0, 3));
        var samples = Assert.Throws<ArgumentException>(() => model.Fit(new Batches(ragged), verbose: 0));
        Assert.Contains("Batches.GetBatch(0): target 0 has shape [3, 3] but the batch has 20 samples", samples.Message);

        var nan = Preprocessing.RowRange(x, 0, 10);
        nan.Data[7] = float.NaN;
        var notFinite = Assert.Throws<ArgumentException>(() => model.Evaluate(new Batches(good, new DataBatch(nan, Preprocessing.RowRange(y, 0, 10)))));
        Assert.Contains("Batches batch 1: x", notFinite.Message);

        var predictWidth = Assert.Throws<ArgumentException>(() => model.Predict(new Batches(good, new DataBatch(new Tensor(3, 5)))));
        Assert.Contains("Batches batch 1: x", predictWidth.Message);

        var empty = Assert.Throws<ArgumentException>(() => model.Fit(new Batches(), verbose: 0));
        Assert.Contains("has 0 batches", empty.Message);
    }

    [Fact]
    public void PredictStacksTheBatchesOutputsOnlyWhenTheyHaveOneShape()
    {
        Utils.SetRandomSeed(3);
        var model = new Sequential(new SimpleRNN(2, returnSequences: true, inputShape: [Layer.UnknownDimension, 3]));
        var sameLength = model.Predict(new Batches(new DataBatch(new Tensor(2, 4, 3)), new DataBatch(new Tensor(1, 4, 3))));
        Assert.Equal([3, 4, 2], sameLength.Shape);
        var ragged = Assert.Throws<ArgumentException>(() =>
            model.Predict(new Batches(new DataBatch(new Tensor(2, 4, 3)), new DataBatch(new Tensor(2, 5, 3)))));
        Assert.Contains("batch 1's outputs have per-sample shape (None, 5, 2) but batch 0's (None, 4, 2)", ragged.Message);
    }

    [Fact]
    public void TheDoctorFindsOnADatasetWhatItFindsOnTheSameArrays()
    {
        var (x, y) = Blobs(96);
        // SGD at its default rate barely moves in six short epochs here: a plateau to find on both.
        var found = new List<string>[2];
        for (int run = 0; run < 2; run++)
        {
            var model = Classifier();
            model.Compile("sgd", "categorical_crossentropy", ["accuracy"]);
            var doctor = new TrainingDoctor();
            if (run == 0) model.Fit(x, y, epochs: 6, batchSize: 16, shuffle: false, callbacks: [doctor], verbose: 0);
            else model.Fit(Dataset.FromArrays(x, y, 16), epochs: 6, shuffle: false, callbacks: [doctor], verbose: 0);
            Assert.True(doctor.Diagnosis.Finished);
            found[run] = doctor.Diagnosis.Findings.Select(f => $"{f.Code} {f.Severity}").ToList();
            found[run].Add(doctor.Diagnosis.Verdict);
        }
        Assert.Contains("loss_plateau Error", found[0]);
        Assert.Equal(found[0], found[1]);
    }

    [Fact]
    public void TheDoctorCountsADatasetsTrainingClassesFromItsFirstEpochAsItReadsTheArrays()
    {
        var (x, y) = Blobs(90);
        // Two thirds of the rows in class 0: the majority share moves the doctor's accuracy gate.
        for (int i = 0; i < 90; i++)
            if (i % 3 == 1) (y.Data[i * 3], y.Data[i * 3 + 1]) = (1, 0);
        var onArrays = new TrainingDoctor();
        Classifier().Fit(x, y, epochs: 2, batchSize: 16, callbacks: [onArrays], verbose: 0);
        var onDataset = new TrainingDoctor();
        Classifier().Fit(Dataset.FromArrays(x, y, 16), epochs: 2, callbacks: [onDataset], verbose: 0);
        Assert.Equal(new ClassBalance(2, 2 / 3.0), onArrays.TrainingClasses);
        Assert.Equal(onArrays.TrainingClasses, onDataset.TrainingClasses);

        var regression = new Sequential(new Dense(1, inputShape: [4]));
        regression.Compile("sgd", "mse");
        var doctor = new TrainingDoctor();
        var targets = Tensor.FromArray(Enumerable.Range(0, 90).Select(i => i * 0.37f).ToArray(), [90, 1]);
        regression.Fit(Dataset.FromArrays(x, targets, 16), callbacks: [doctor], verbose: 0);
        Assert.Null(doctor.TrainingClasses);
    }

    [Fact]
    public void TheDoctorFindsValidationClassesADatasetsTrainingNeverHad()
    {
        var (x, y) = Blobs(90);
        var rows = Enumerable.Range(0, 90).ToArray();
        int[] training = rows.Where(i => i % 3 != 2).ToArray(), validation = rows.Where(i => i % 3 != 0).ToArray();
        var train = Dataset.FromArrays(Preprocessing.TakeRows(x, training), Preprocessing.TakeRows(y, training), 16);
        var held = Dataset.FromArrays(Preprocessing.TakeRows(x, validation), Preprocessing.TakeRows(y, validation), 16);
        var doctor = new TrainingDoctor();
        Classifier().Fit(train, epochs: 3, validationData: held, callbacks: [doctor], verbose: 0);
        var finding = Assert.Single(doctor.Diagnosis.Findings, f => f.Code == FindingCodes.UnseenValidationClasses);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Contains("are of class(es) 2, which no training batch of the first epoch had", finding.Message);

        // Classes the training batches all had: nothing to find.
        var seen = new TrainingDoctor();
        Classifier().Fit(Dataset.FromArrays(x, y, 16), epochs: 3, validationData: held, callbacks: [seen], verbose: 0);
        Assert.DoesNotContain(seen.Diagnosis.Findings, f => f.Code == FindingCodes.UnseenValidationClasses);
    }

    [Fact]
    public void ADatasetNeedsAWorkerAndRoomForABatch()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecordingDataset(new Tensor(2, 4), new Tensor(2, 3), 1, workers: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.FromArrays(new Tensor(2, 4), new Tensor(2, 3), batchSize: 0));
    }
}
