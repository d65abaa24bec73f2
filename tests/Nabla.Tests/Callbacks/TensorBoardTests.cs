using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Serialization.TensorBoard;
using Nabla.Tests.Data;
using Nabla.Tests.Kernels;

namespace Nabla.Tests.Callbacks;

/// <summary>The TensorBoard callback writes Keras 3's tags (keras/src/callbacks/tensorboard.py) with History's values.</summary>
public class TensorBoardTests
{
    private static (Sequential model, Tensor x, Tensor y) Classifier()
    {
        Utils.SetRandomSeed(9);
        var (x, labels) = Nabla.Data.Synthetic.Classification(160, 4, 3, seed: 4, noise: 0.3);
        var model = new Sequential(new Dense(6, activation: "relu", inputShape: [4]), new Dense(3, activation: "softmax"));
        model.Compile(new Adam(learningRate: 0.005), "categorical_crossentropy", ["accuracy"]);
        return (model, x, Nabla.Data.Preprocessing.ToCategorical(labels, 3));
    }

    private static List<float> Values(List<Nabla.Serialization.TensorBoard.Proto.Event> events, string tag, out List<long> steps)
    {
        var scalars = TensorBoardEvents.Scalars(events, tag);
        steps = scalars.Select(s => s.Step).ToList();
        return scalars.Select(s => s.Value).ToList();
    }

    [Fact]
    public void DefaultsAreKerasDefaults()
    {
        // keras.callbacks.TensorBoard(log_dir="logs", histogram_freq=0, update_freq="epoch").
        var callback = new TensorBoard();
        Assert.Equal(("logs", 0, 0), (callback.LogDir, callback.HistogramFreq, callback.BatchesPerUpdate));
        Assert.Equal(1, new TensorBoard(updateFreq: "batch").BatchesPerUpdate);
        Assert.Throws<ArgumentException>(() => new TensorBoard(updateFreq: "step"));
        Assert.Throws<ArgumentException>(() => new TensorBoard(updateFreq: 0));
        Assert.Throws<ArgumentException>(() => new TensorBoard(histogramFreq: -1));
    }

    [Fact]
    public void EpochScalarsInTrainAndValidationEqualHistory()
    {
        using var folder = new TempFolder();
        var (model, x, y) = Classifier();
        var callback = new TensorBoard(logDir: folder.Path);
        var history = model.Fit(x, y, epochs: 3, batchSize: 32, validationSplit: 0.25, callbacks: [callback], verbose: 0);

        Assert.Equal(Path.Combine(folder.Path, "train"), Path.GetDirectoryName(callback.TrainFile));
        var train = TensorBoardEvents.Read(callback.TrainFile!);
        var validation = TensorBoardEvents.Read(callback.ValidationFile!);
        Assert.Equal("brain.Event:2", train[0].FileVersion);
        foreach (var key in new[] { "loss", "accuracy" })
        {
            Assert.Equal(history[key].Select(v => (float)v), Values(train, "epoch_" + key, out var steps));
            Assert.Equal([0L, 1, 2], steps);
            Assert.Equal(history["val_" + key].Select(v => (float)v), Values(validation, "epoch_" + key, out _));
            // evaluation_*_vs_iterations: step is the optimizer's iteration count (4 batches of 32 per epoch).
            Values(validation, $"evaluation_{key}_vs_iterations", out var iterations);
            Assert.Equal([4L, 8, 12], iterations);
        }
        Assert.Equal([0.005f, 0.005f, 0.005f], Values(train, "epoch_learning_rate", out _));
        Assert.Empty(Values(train, "epoch_val_loss", out _));
        Assert.Empty(Values(train, "batch_loss", out _));
    }

    [Fact]
    public void IntegerUpdateFreqWritesBatchScalarsEveryNthGlobalBatch()
    {
        using var folder = new TempFolder();
        var (model, x, y) = Classifier();
        var batchLosses = new List<double>();
        var recorder = new LambdaCallback(onBatchEnd: (_, logs) => batchLosses.Add(logs["loss"]));
        var callback = new TensorBoard(logDir: folder.Path, updateFreq: 3);
        model.Fit(x, y, epochs: 2, batchSize: 32, callbacks: [recorder, callback], verbose: 0);

        var values = Values(TensorBoardEvents.Read(callback.TrainFile!), "batch_loss", out var steps);
        // Keras counts global batches from 1 and records when step % update_freq == 0.
        Assert.Equal([3L, 6, 9], steps);
        Assert.Equal(new[] { 2, 5, 8 }.Select(i => (float)batchLosses[i]), values);
        Assert.Null(callback.ValidationFile);
    }

    [Fact]
    public void HistogramFreqWritesEachWeightEveryNthEpoch()
    {
        using var folder = new TempFolder();
        var (model, x, y) = Classifier();
        var callback = new TensorBoard(logDir: folder.Path, histogramFreq: 2);
        model.Fit(x, y, epochs: 3, callbacks: [callback], verbose: 0);
        var histograms = TensorBoardEvents.Read(callback.TrainFile!)
            .Where(e => e.Summary is not null)
            .SelectMany(e => e.Summary.Value.Where(v => v.Histo is not null).Select(v => (v.Tag, e.Step, v.Histo.Num)))
            .ToList();
        string kernel = $"{model.Layers[0].Name}/kernel/histogram";
        Assert.Equal([(kernel, 0L, 24.0), (kernel, 2L, 24.0)], histograms.Where(h => h.Tag == kernel));
        Assert.Equal(2 * model.Weights.Count, histograms.Count);
    }

    [Fact]
    public void BatchHooksAllocateNothingWhenUpdatingPerEpoch()
    {
        using var folder = new TempFolder();
        var (model, _, _) = Classifier();
        var callback = new TensorBoard(logDir: folder.Path) { Model = model };
        var logs = new Dictionary<string, double> { ["loss"] = 1.0 };
        callback.OnTrainBegin(logs);
        long bytes = AllocationMeasure.BytesAllocated(() =>
        {
            callback.OnTrainBatchBegin(0, logs);
            callback.OnTrainBatchEnd(0, logs);
        }, repeats: 100);
        callback.OnTrainEnd(logs);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void EachFitStartsNewEventFiles()
    {
        using var folder = new TempFolder();
        var (model, x, y) = Classifier();
        var callback = new TensorBoard(logDir: folder.Path);
        model.Fit(x, y, epochs: 1, callbacks: [callback], verbose: 0);
        string first = callback.TrainFile!;
        model.Fit(x, y, epochs: 1, callbacks: [callback], verbose: 0);
        Assert.NotEqual(first, callback.TrainFile);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(folder.Path, "train")).Length);
    }
}
