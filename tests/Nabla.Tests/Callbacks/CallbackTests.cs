using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Optimizers;

namespace Nabla.Tests.Callbacks;

public class CallbackTests
{
    private static (Sequential model, Tensor x, Tensor y) Regression(double learningRate = 0.01)
    {
        Utils.SetRandomSeed(4);
        var (x, y) = Nabla.Data.Synthetic.Regression(200, 3, seed: 2);
        var model = new Sequential(new Dense(8, activation: "tanh", inputShape: [3]), new Dense(1));
        model.Compile(new SGD(learningRate: learningRate), "mse");
        return (model, x, y);
    }

    [Fact]
    public void EarlyStoppingStopsAfterPatienceAndRestoresTheBestWeights()
    {
        var (model, x, y) = Regression();
        var snapshots = new List<IReadOnlyList<Tensor>>();
        var recorder = new LambdaCallback(onEpochEnd: (_, _) => snapshots.Add(model.GetWeights()));
        // val_loss improves until epoch 2, then worsens: with patience 2 training stops at epoch 4.
        var script = new Script("val_loss", [5, 4, 3, 3.5, 3.6, 3.7, 3.8, 3.9]);
        var stopper = new EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true);
        var history = model.Fit(x, y, epochs: 8, callbacks: [script, recorder, stopper], verbose: 0);
        Assert.Equal(4, stopper.StoppedEpoch);
        Assert.Equal(2, stopper.BestEpoch);
        Assert.Equal(5, history["loss"].Count);
        var restored = model.GetWeights();
        for (int i = 0; i < restored.Count; i++) Assert.Equal(snapshots[2][i].Data, restored[i].Data);
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestWeightsAlsoWhenTheEpochsRunOutFirst()
    {
        // Keras 3 restores in on_train_end whether or not it stopped the run: here patience 5 is never exhausted.
        var (model, x, y) = Regression();
        var snapshots = new List<IReadOnlyList<Tensor>>();
        var recorder = new LambdaCallback(onEpochEnd: (_, _) => snapshots.Add(model.GetWeights()));
        var script = new Script("val_loss", [5, 4, 3, 3.5]);
        var stopper = new EarlyStopping(patience: 5, restoreBestWeights: true);
        model.Fit(x, y, epochs: 4, callbacks: [script, recorder, stopper], verbose: 0);
        Assert.Null(stopper.StoppedEpoch);
        Assert.True(stopper.RestoredBestWeights);
        var restored = model.GetWeights();
        for (int i = 0; i < restored.Count; i++) Assert.Equal(snapshots[2][i].Data, restored[i].Data);
    }

    [Fact]
    public void EarlyStoppingSaysWhenItRestoresAndStopsAsKerasWhenVerbose()
    {
        var (model, x, y) = Regression();
        var script = new Script("val_loss", [5, 4, 3, 3.5, 3.6, 3.7]);
        var writer = new StringWriter();
        var stopper = new EarlyStopping(patience: 2, verbose: 1, restoreBestWeights: true, output: writer);
        model.Fit(x, y, epochs: 6, callbacks: [script, stopper], verbose: 0);
        // keras/src/callbacks/early_stopping.py prints these two messages in on_train_end (epochs 1-based).
        Assert.Equal("Epoch 5: early stopping\nRestoring model weights from the end of the best epoch: 3.\n",
            writer.ToString().ReplaceLineEndings("\n"));
        var quiet = new StringWriter();
        model.Fit(x, y, epochs: 6, callbacks: [script, new EarlyStopping(patience: 2, output: quiet)], verbose: 0);
        Assert.Equal("", quiet.ToString());
    }

    [Fact]
    public void EarlyStoppingKerasDefaultsAreValLossPatienceZeroNoRestore()
    {
        // keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=0, mode="auto", restore_best_weights=False)
        var stopper = new EarlyStopping();
        Assert.Equal("val_loss", stopper.Monitor);
        Assert.Equal(0, stopper.Patience);
        Assert.Equal(0, stopper.Verbose);
        Assert.False(stopper.RestoreBestWeights);
    }

    [Fact]
    public void ReduceLROnPlateauMultipliesByFactorAfterPatienceEpochs()
    {
        var (model, x, y) = Regression(learningRate: 0.1);
        var rates = new List<double>();
        var script = new Script("val_loss", [1, 1, 1, 1, 1, 1, 1]);
        var reducer = new ReduceLROnPlateau(monitor: "val_loss", factor: 0.5, patience: 2);
        var recorder = new LambdaCallback(onEpochEnd: (_, _) => rates.Add(model.Optimizer!.LearningRate));
        model.Fit(x, y, epochs: 7, callbacks: [script, reducer, recorder], verbose: 0);
        // Epoch 0 sets best=1; epochs 1,2 do not improve → reduce at epoch 2; again at epoch 4 and 6.
        Assert.Equal([0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125], rates.Select(r => Math.Round(r, 6)).ToArray());
    }

    [Fact]
    public void ReduceLROnPlateauKerasDefaults()
    {
        // keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=10, min_delta=1e-4, cooldown=0, min_lr=0.0)
        var r = new ReduceLROnPlateau();
        Assert.Equal(("val_loss", 0.1, 10, 0, 0.0), (r.Monitor, r.Factor, r.Patience, r.Cooldown, r.MinLr));
    }

    [Fact]
    public void TerminateOnNaNStopsAtTheFirstNonFiniteBatch()
    {
        var (model, x, y) = Regression(learningRate: 1e6);
        var terminate = new TerminateOnNaN();
        var history = model.Fit(x, y, epochs: 50, batchSize: 10, callbacks: [terminate], verbose: 0);
        Assert.NotNull(terminate.TerminatedAtBatch);
        Assert.True(history["loss"].Count < 50);
    }

    [Fact]
    public void LearningRateSchedulerSetsTheRateEachEpoch()
    {
        var (model, x, y) = Regression();
        var seen = new List<double>();
        var scheduler = new LearningRateScheduler((epoch, lr) => 0.1 / (epoch + 1));
        var recorder = new LambdaCallback(onEpochBegin: (_, _) => seen.Add(model.Optimizer!.LearningRate));
        model.Fit(x, y, epochs: 3, callbacks: [scheduler, recorder], verbose: 0);
        Assert.Equal([0.1, 0.05, 0.1 / 3], seen.Select(v => Math.Round(v, 9)).ToArray(), (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void CsvLoggerWritesOneRowPerEpoch()
    {
        var (model, x, y) = Regression();
        string path = Path.Combine(Path.GetTempPath(), $"nabla-{Guid.NewGuid():N}.csv");
        try
        {
            model.Fit(x, y, epochs: 3, validationSplit: 0.2, callbacks: [new CSVLogger(path)], verbose: 0);
            var lines = File.ReadAllLines(path);
            Assert.Equal("epoch,loss,val_loss", lines[0]);
            Assert.Equal(4, lines.Length);
            Assert.StartsWith("2,", lines[3]);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ProgressBarLooksLikeKeras()
    {
        var writer = new StringWriter();
        var (model, x, y) = Regression();
        model.Compile("adam", "mse", ["mae"]);
        var bar = new ProgbarLogger(epochs: 1, stepsPerEpoch: 7, verbose: 1, output: writer, interactive: false);
        model.Fit(x, y, epochs: 1, callbacks: [bar], verbose: 0);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Epoch 1/1", lines[0].TrimEnd());
        Assert.Matches(@"^7/7 \[==============================\] - \d+s \d+(ms|us|s)/step - loss: \d+\.\d{4} - mae: \d+\.\d{4}$", lines[1].TrimEnd());
    }
}
