using Nabla.Kernels;
using Nabla.Layers;
using Nabla.Optimizers;

namespace Nabla.Tests.Optimizers;

/// <summary>
/// Adafactor's reductions span a whole weight, so a split step (each kernel thread updating the rows whose
/// gradient it computed, during or after the backward pass) must update each weight whole, to the bits of one
/// whole <c>Apply</c>.
/// </summary>
/// <remarks>The tests change <c>KernelSettings</c>, so the class runs with the process-wide settings' tests.</remarks>
[Collection(nameof(Nabla.Tests.Kernels.KernelSettingsTests))]
public class AdafactorSplitTests
{
    private static readonly Dictionary<string, Func<Adafactor>> Variants = new()
    {
        ["plain"] = () => new Adafactor(0.01),
        ["clipvalue_weight_decay"] = () => new Adafactor(0.01, clipValue: 0.5, weightDecay: 0.05),
        ["global_clipnorm"] = () => new Adafactor(0.01, globalClipNorm: 1.0),
        ["clipnorm"] = () => new Adafactor(0.01, clipNorm: 1.0),
        ["guarded"] = () => new Adafactor(0.01) { RefuseNonFiniteUpdates = true },
    };

    public static TheoryData<string> VariantNames() => new(Variants.Keys);

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void ASplitApplyIsBitwiseTheWholeUpdate(string variant)
    {
        foreach (var (rows, cols, threads) in new[] { (50, 7, 2), (784, 128, 2), (50, 3, 3) })
        {
            Optimizer whole = Variants[variant](), split = Variants[variant]();
            var k1 = Tensor.FromArray(AdafactorTests.Weights(rows * cols, 1), rows, cols);
            var k2 = Tensor.FromArray(AdafactorTests.Weights(rows * cols, 1), rows, cols);
            var b1 = Tensor.FromArray(AdafactorTests.Weights(cols, 2), cols);
            var b2 = Tensor.FromArray(AdafactorTests.Weights(cols, 2), cols);
            var shards = Shards.Plan(rows, threads, 8, 16)?.OfRows(cols);
            Assert.NotNull(shards); // the test must actually split
            for (int step = 1; step <= 3; step++)
            {
                foreach (var (k, b) in new[] { (k1, b1), (k2, b2) })
                {
                    k.Grad = Tensor.FromArray(AdafactorTests.Gradient(rows * cols, step), rows, cols);
                    b.Grad = Tensor.FromArray(AdafactorTests.Gradient(cols, step + 5), cols);
                }
                whole.Apply([k1, b1]);
                int saved = KernelSettings.MaxThreads;
                KernelSettings.MaxThreads = threads;
                try { split.Apply([k2, b2], [shards, null]); }
                finally { KernelSettings.MaxThreads = saved; }
                Assert.Equal(k1.Data, k2.Data);
                Assert.Equal(b1.Data, b2.Data);
            }
            Assert.Equal(whole.Iterations, split.Iterations);
        }
    }

    /// <summary>Two epochs of a network whose dense layers split (threshold 0) on <paramref name="threads"/> threads.</summary>
    private static (float[][] Weights, IReadOnlyList<double> Losses, bool Split) Train(int threads, bool updateDuringBackward)
    {
        long savedThreshold = KernelSettings.LayerSplitThresholdMacs;
        int savedThreads = KernelSettings.MaxThreads;
        bool savedEarly = KernelSettings.UpdateDuringBackward;
        try
        {
            KernelSettings.LayerSplitThresholdMacs = 0;
            KernelSettings.MaxThreads = threads;
            KernelSettings.UpdateDuringBackward = updateDuringBackward;
            var rng = new RandomGenerator(17);
            var x = new Tensor(300, 50);
            for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.Uniform(-1, 1);
            var y = new Tensor(300, 5);
            for (int s = 0; s < 300; s++) y.Data[s * 5 + rng.NextInt(5)] = 1f;
            Utils.SetRandomSeed(42);
            var model = new Sequential(new Dense(160, "relu", inputShape: [50]), new Dense(130, "tanh"), new Dense(5, "softmax"));
            model.Compile(new Adafactor(0.05), "categorical_crossentropy");
            var losses = model.Fit(x, y, epochs: 2, batchSize: 40, verbose: 0)["loss"];
            bool split = model.LastTrainStep!.ParameterShards is { } shards && shards.Any(s => s is not null);
            return (model.GetWeights().Select(w => (float[])w.Data.Clone()).ToArray(), losses, split);
        }
        finally
        {
            KernelSettings.LayerSplitThresholdMacs = savedThreshold;
            KernelSettings.MaxThreads = savedThreads;
            KernelSettings.UpdateDuringBackward = savedEarly;
        }
    }

    [Fact]
    public void UpdatesDuringTheBackwardPassTrainBitwiseAsUpdatesAfterIt_OnAnyThreadCount()
    {
        // During the backward pass each shard of a kernel's gradient is final before the others; the update must wait
        // for the last one. Updating after the whole backward pass, on one thread or two, gives the same bits.
        var after = Train(threads: 2, updateDuringBackward: false);
        Assert.True(after.Split, "no layer was split; the test would compare unsplit runs.");
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var during = Train(threads, updateDuringBackward: true);
            Assert.Equal(after.Losses, during.Losses);
            for (int w = 0; w < after.Weights.Length; w++) Assert.Equal(after.Weights[w], during.Weights[w]);
        }
    }
}
