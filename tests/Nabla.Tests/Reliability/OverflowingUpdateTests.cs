using Nabla.Callbacks;
using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Reliability;

/// <summary>
/// A step whose loss is finite but whose update would make a weight or an optimizer moment NaN or ±Inf (a learning
/// rate past float's range, gradients whose square overflows) is not applied either: weights, moments and
/// iterations stay those of the last good step.
/// </summary>
[Collection(nameof(Nabla.Tests.Kernels.KernelSettingsTests))]
public class OverflowingUpdateTests
{
    /// <summary>A float learning rate that multiplies any gradient above about 1.1 past float's largest value.</summary>
    private const double OverflowingRate = 3e38;

    /// <summary>A small regression model; its optimizer's guard on unless <paramref name="guarded"/> is false.</summary>
    private static (Sequential Model, Tensor X, Tensor Y) Regression(Optimizer optimizer, int rows = 32, float target = 1000f,
        bool guarded = true)
    {
        optimizer.RefuseNonFiniteUpdates = guarded;
        Utils.SetRandomSeed(4);
        var model = new Sequential(new Dense(8, activation: "tanh", inputShape: [3]), new Dense(1));
        model.Compile(optimizer, "mse");
        var x = new Tensor(rows, 3);
        var y = new Tensor(rows, 1);
        var rng = new RandomGenerator(3);
        for (int i = 0; i < x.Size; i++) x.Data[i] = 1f + (float)rng.NextDouble();
        y.Data.AsSpan().Fill(target);
        return (model, x, y);
    }

    /// <summary>Every weight, then every optimizer state array, copied.</summary>
    private static List<float[]> Snapshot(Model model)
    {
        var values = model.GetWeights().Select(w => w.Data).ToList();
        foreach (var weight in model.TrainableWeights)
            values.AddRange(model.Optimizer!.SavedState(weight).Select(s => s.Values.ToArray()));
        return values;
    }

    private static void AssertSame(List<float[]> expected, List<float[]> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.All(actual[i], v => Assert.True(float.IsFinite(v)));
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public void AnSgdUpdatePastFloatsRangeIsNotAppliedAndTheMomentsAreKept()
    {
        var (model, x, y) = Regression(new SGD(0.001, momentum: 0.9));
        model.TrainOnBatch(x, y);
        model.TrainOnBatch(x, y);
        Assert.True(model.LastTrainStepApplied);
        var good = Snapshot(model);
        long iterations = model.Optimizer!.Iterations;

        model.Optimizer.LearningRate = OverflowingRate;
        double loss = model.TrainOnBatch(x, y);
        Assert.True(double.IsFinite(loss), "the loss itself must still be finite for this test");
        Assert.False(model.LastTrainStepApplied);
        Assert.True(model.Optimizer.LastStepRefused);
        AssertSame(good, Snapshot(model));
        Assert.Equal(iterations, model.Optimizer.Iterations);

        // Back to a sane rate, training goes on from the kept state.
        model.Optimizer.LearningRate = 0.001;
        model.TrainOnBatch(x, y);
        Assert.True(model.LastTrainStepApplied);
        Assert.Equal(iterations + 1, model.Optimizer.Iterations);
    }

    [Fact]
    public void AnAdamMomentThatWouldOverflowIsCaughtEvenWhenTheWeightsStayFinite()
    {
        // Inputs of 1e10: the loss (about 1e20) is finite, the gradient (about 1e20) too, but its square is not, so
        // Adam's velocity would become +Inf while the weight update (m / sqrt(v) = 0) stays finite.
        Utils.SetRandomSeed(4);
        var model = new Sequential(new Dense(1, inputShape: [3]));
        model.Compile(new Adam(0.001) { RefuseNonFiniteUpdates = true }, "mse");
        var (_, x, y) = Regression(new Adam(), target: 0f);
        model.TrainOnBatch(x, y);
        var good = Snapshot(model);
        long iterations = model.Optimizer!.Iterations;
        for (int i = 0; i < x.Size; i++) x.Data[i] *= 1e10f;
        double loss = model.TrainOnBatch(x, y);
        Assert.True(double.IsFinite(loss));
        Assert.False(model.LastTrainStepApplied);
        AssertSame(good, Snapshot(model));
        Assert.Equal(iterations, model.Optimizer.Iterations);
    }

    /// <summary>Raises the learning rate past float's range at one batch.</summary>
    private sealed class BlowUpAt(int batch) : Callback
    {
        public List<float[]>? LastGood;

        public override void OnTrainBatchBegin(int b, IReadOnlyDictionary<string, double> logs)
        {
            if (b == batch) Model.Optimizer!.LearningRate = OverflowingRate;
        }

        public override void OnTrainBatchEnd(int b, IReadOnlyDictionary<string, double> logs)
        {
            if (Model.LastTrainStepApplied) LastGood = Snapshot(Model);
        }
    }

    [Fact]
    public void ADivergingRunWithTerminateOnNaNEndsAtTheLastGoodStep()
    {
        var (model, x, y) = Regression(new SGD(0.001, momentum: 0.9), rows: 64);
        var blowUp = new BlowUpAt(5);
        var terminate = new TerminateOnNaN();
        model.Fit(x, y, epochs: 3, batchSize: 8, shuffle: false, callbacks: [blowUp, terminate], verbose: 0);
        Assert.Equal(5, terminate.TerminatedAtBatch);
        Assert.Contains("update would have made weights not finite", terminate.Message);
        Assert.Contains("last good step", terminate.Message);
        AssertSame(blowUp.LastGood!, Snapshot(model));
        Assert.Equal(5, model.Optimizer!.Iterations);
    }

    [Fact]
    public void WithoutCallbacksFitWarnsAboutTheRefusedUpdateAndTheDoctorReportsIt()
    {
        var (model, x, y) = Regression(new SGD(OverflowingRate), rows: 64);
        var before = Snapshot(model);
        string text = StandardError.Capture(() => model.Fit(x, y, epochs: 2, batchSize: 8, shuffle: false, verbose: 0));
        Assert.Contains($"Nabla: model '{model.Name}': at epoch 1, batch 0 the update would have made weights", text);
        AssertSame(before, Snapshot(model));
        Assert.Equal(0, model.Optimizer!.Iterations);

        // The optimizer's own guard is off (the default); the doctor turns it on for the run it watches.
        var (again, x2, y2) = Regression(new SGD(OverflowingRate), rows: 64, guarded: false);
        var doctor = new TrainingDoctor();
        var history = again.Fit(x2, y2, epochs: 5, batchSize: 8, shuffle: false, callbacks: [doctor], verbose: 0);
        var finding = Assert.Single(doctor.Diagnosis.Findings, f => f.Code == FindingCodes.NanLoss);
        Assert.Contains("update would have made weights", finding.Message);
        Assert.True(history.Epochs.Count < 5, "training went on after the refused update");
        Assert.False(again.Optimizer!.RefuseNonFiniteUpdates);
    }

    [Fact]
    public void ASplitStepWhoseEarlyUpdatesOverflowIsUndoneWhole()
    {
        // The seed network at batch 128: its first layer is split between two threads, which update their halves
        // of the kernel during the backward pass; the overflow shows only after both have written.
        KernelSettingsScopes.WithMaxThreads(2, () =>
        {
            Utils.SetRandomSeed(8);
            var model = new Sequential(new Dense(128, "relu", inputShape: [784]), new Dense(10));
            model.Compile(new SGD(1e-6, momentum: 0.9) { RefuseNonFiniteUpdates = true }, "mse");
            var x = new Tensor(128, 784);
            var y = new Tensor(128, 10);
            var rng = new RandomGenerator(5);
            for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.NextDouble();
            y.Data.AsSpan().Fill(1000f);
            model.TrainOnBatch(x, y);
            Assert.Contains(model.LastTrainStep!.UpdatedEarly!, flag => flag);
            var good = Snapshot(model);

            model.Optimizer!.LearningRate = OverflowingRate;
            double loss = model.TrainOnBatch(x, y);
            Assert.True(double.IsFinite(loss));
            Assert.False(model.LastTrainStepApplied);
            AssertSame(good, Snapshot(model));
            Assert.Equal(1, model.Optimizer.Iterations);
        });
    }

    [Fact]
    public void TheGuardIsOffByDefaultForKerasBehaviourAndSpeed()
    {
        // Off by default: the copy it needs made a batch-32 step 31% slower (docs/performance.md).
        Assert.False(new SGD().RefuseNonFiniteUpdates);
        var (model, x, y) = Regression(new SGD(OverflowingRate), guarded: false);
        model.TrainOnBatch(x, y);
        Assert.True(model.LastTrainStepApplied);
        Assert.Contains(model.GetWeights(), w => w.Data.Any(v => !float.IsFinite(v)));
    }
    private sealed class ThrowAtEpochEnd : Callback
    {
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) =>
            throw new InvalidOperationException("callback failed");
    }

    [Fact]
    public void AWatchedRunThatThrowsLeavesTheGuardAsItWas()
    {
        var (model, x, y) = Regression(new SGD(0.001), rows: 64, guarded: false);
        var doctor = new TrainingDoctor();
        Assert.Throws<InvalidOperationException>(() =>
            model.Fit(x, y, epochs: 2, batchSize: 8, callbacks: [doctor, new ThrowAtEpochEnd()], verbose: 0));
        Assert.False(model.Optimizer!.RefuseNonFiniteUpdates);
    }
}
