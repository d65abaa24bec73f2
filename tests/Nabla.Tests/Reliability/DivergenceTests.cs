using Nabla.Callbacks;
using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Reliability;

/// <summary>A step whose loss is not finite is never applied: training ends at the last good weights.</summary>
public class DivergenceTests
{
    private static (Sequential Model, Tensor X, Tensor Y) Diverging()
    {
        Utils.SetRandomSeed(9);
        var model = new Sequential(new Dense(16, activation: "relu", inputShape: [4]), new Dense(1));
        // A learning rate of 10 on a regression: the loss grows by orders of magnitude until it overflows.
        model.Compile(new SGD(learningRate: 10), "mse");
        var x = new Tensor(64, 4);
        var y = new Tensor(64, 1);
        var rng = new RandomGenerator(2);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.NextDouble() * 10;
        for (int i = 0; i < y.Size; i++) y.Data[i] = (float)rng.NextDouble() * 100;
        return (model, x, y);
    }

    /// <summary>Keeps a copy of the weights after every batch whose loss was finite.</summary>
    private sealed class LastGoodWeights : Callback
    {
        public IReadOnlyList<Tensor>? Weights;
        public long Iterations;
        public int FiniteSteps;

        public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
        {
            if (!float.IsFinite(Model.LastTrainStep!.Loss!.Data[0])) return;
            Weights = Model.GetWeights();
            Iterations = Model.Optimizer!.Iterations;
            FiniteSteps++;
        }
    }

    [Fact]
    public void ADivergingRunEndsWithTheLastFiniteStepsWeights()
    {
        var (model, x, y) = Diverging();
        var good = new LastGoodWeights();
        var terminate = new TerminateOnNaN();
        model.Fit(x, y, epochs: 50, batchSize: 8, shuffle: false, callbacks: [good, terminate], verbose: 0);

        Assert.NotNull(terminate.TerminatedAtBatch);
        Assert.Contains("last good step", terminate.Message);
        Assert.True(good.FiniteSteps > 0);
        var final = model.GetWeights();
        for (int w = 0; w < final.Count; w++)
        {
            Assert.All(final[w].Data, v => Assert.True(float.IsFinite(v)));
            Assert.Equal(good.Weights![w].Data, final[w].Data);
        }
        Assert.Equal(good.Iterations, model.Optimizer!.Iterations);
    }

    [Fact]
    public void WithoutCallbacksFitWarnsOnceAndKeepsFiniteWeights()
    {
        var (model, x, y) = Diverging();
        string text = StandardError.Capture(() => model.Fit(x, y, epochs: 30, batchSize: 8, shuffle: false, verbose: 0));
        Assert.Contains("were not applied", text);
        // Other tests may write to the process's error stream meanwhile: count this model's warnings.
        Assert.Equal(1, text.Split($"Nabla: model '{model.Name}'").Length - 1);
        Assert.All(model.GetWeights(), w => Assert.All(w.Data, v => Assert.True(float.IsFinite(v))));
    }

    [Fact]
    public void TheDoctorStopsAtNanLossByDefaultAndReportsTheStep()
    {
        var (model, x, y) = Diverging();
        var doctor = new TrainingDoctor();
        var history = model.Fit(x, y, epochs: 50, batchSize: 8, shuffle: false, callbacks: [doctor], verbose: 0);
        var finding = Assert.Single(doctor.Diagnosis.Findings, f => f.Code == FindingCodes.NanLoss);
        Assert.Contains("step", finding.Message);
        Assert.True(history.Epochs.Count < 50, "training went on after the NaN loss");

        var (again, x2, y2) = Diverging();
        var lenient = new TrainingDoctor(new DoctorOptions { StopOnNanLoss = false });
        var all = again.Fit(x2, y2, epochs: 50, batchSize: 8, shuffle: false, callbacks: [lenient], verbose: 0);
        Assert.Equal(50, all.Epochs.Count);
    }

    [Fact]
    public void TrainOnBatchWithANonFiniteLossChangesNothing()
    {
        var (model, x, y) = Diverging();
        model.Compile(new Adam(), "mse");
        model.TrainOnBatch(x, y);
        var before = model.GetWeights();
        long iterations = model.Optimizer!.Iterations;
        y.Data[3] = float.MaxValue; // finite target, infinite squared error
        double loss = model.TrainOnBatch(x, y);
        Assert.False(double.IsFinite(loss));
        Assert.Equal(iterations, model.Optimizer.Iterations);
        var after = model.GetWeights();
        for (int w = 0; w < after.Count; w++) Assert.Equal(before[w].Data, after[w].Data);
    }
}
