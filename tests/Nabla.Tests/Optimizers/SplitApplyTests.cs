using Nabla.Kernels;
using Nabla.Optimizers;
using static Nabla.Tests.TestSupport.KernelSettingsScopes;

namespace Nabla.Tests.Optimizers;

/// <summary>
/// <c>Optimizer.Apply(parameters, shardsOf)</c>, the update a split training step runs (each kernel thread updates
/// the weight rows whose gradient it computed), must give bitwise the weights of the one-thread <c>Apply(parameters)</c>.
/// </summary>
/// <remarks>The tests set <c>KernelSettings.MaxThreads</c>, so the class runs with the process-wide settings' tests.</remarks>
[Collection(nameof(Nabla.Tests.Kernels.KernelSettingsTests))]
public class SplitApplyTests
{
    /// <summary>Optimizer factories by name: every update rule, with and without each clipping and weight decay.</summary>
    private static readonly Dictionary<string, Func<Optimizer>> Optimizers = BuildOptimizers();

    private static Dictionary<string, Func<Optimizer>> BuildOptimizers()
    {
        var rules = new Dictionary<string, Func<double?, double?, double?, double?, Optimizer>>
        {
            ["adam"] = (wd, cn, cv, gcn) => new Adam(0.01, weightDecay: wd, clipNorm: cn, clipValue: cv, globalClipNorm: gcn),
            ["adam_amsgrad"] = (wd, cn, cv, gcn) => new Adam(0.01, amsgrad: true, weightDecay: wd, clipNorm: cn, clipValue: cv, globalClipNorm: gcn),
            ["nadam"] = (wd, cn, cv, gcn) => new Nadam(0.01, weightDecay: wd, clipNorm: cn, clipValue: cv, globalClipNorm: gcn),
            ["rmsprop"] = (wd, cn, cv, gcn) => new RMSprop(0.01, weightDecay: wd, clipNorm: cn, clipValue: cv, globalClipNorm: gcn),
            ["rmsprop_momentum_centered"] = (wd, cn, cv, gcn) => new RMSprop(0.01, momentum: 0.9, centered: true, weightDecay: wd, clipNorm: cn, clipValue: cv, globalClipNorm: gcn),
            ["adagrad"] = (wd, cn, cv, gcn) => new Adagrad(0.05, weightDecay: wd, clipNorm: cn, clipValue: cv, globalClipNorm: gcn),
            ["adadelta"] = (wd, cn, cv, gcn) => new Adadelta(1.0, weightDecay: wd, clipNorm: cn, clipValue: cv, globalClipNorm: gcn),
            ["adamax"] = (wd, cn, cv, gcn) => new Adamax(0.01, weightDecay: wd, clipNorm: cn, clipValue: cv, globalClipNorm: gcn),
            ["ftrl"] = (wd, cn, cv, gcn) => new Ftrl(0.05, l1RegularizationStrength: 0.001, weightDecay: wd, clipNorm: cn, clipValue: cv, globalClipNorm: gcn),
            ["lion"] = (wd, cn, cv, gcn) => new Lion(0.003, weightDecay: wd, clipNorm: cn, clipValue: cv, globalClipNorm: gcn),
            ["sgd"] = (wd, cn, cv, gcn) => new SGD(0.05, weightDecay: wd, clipNorm: cn, clipValue: cv, globalClipNorm: gcn),
            ["sgd_momentum_nesterov"] = (wd, cn, cv, gcn) => new SGD(0.05, momentum: 0.9, nesterov: true, weightDecay: wd, clipNorm: cn, clipValue: cv, globalClipNorm: gcn),
        };
        var variants = new Dictionary<string, (double? Wd, double? Cn, double? Cv, double? Gcn)>
        {
            ["plain"] = (null, null, null, null),
            ["clipvalue"] = (null, null, 0.5, null),
            ["weight_decay"] = (0.05, null, null, null),
            ["global_clipnorm"] = (null, null, null, 1.0),
            ["clipnorm"] = (null, 1.0, null, null),
            ["weight_decay_clipvalue"] = (0.05, null, 0.3, null),
        };
        var result = new Dictionary<string, Func<Optimizer>>();
        foreach (var (rule, make) in rules)
            foreach (var (variant, (wd, cn, cv, gcn)) in variants)
                result[$"{rule}/{variant}"] = () => make(wd, cn, cv, gcn);
        result["adamw"] = () => new AdamW(0.01);
        return result;
    }

    public static TheoryData<string> OptimizerNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Optimizers.Keys) data.Add(name);
        return data;
    }


    /// <summary>A dense layer's kernel [rows, cols] and bias [cols], named, with gradients.</summary>
    private static (Tensor Kernel, Tensor Bias) Layer(int rows, int cols, int seed)
    {
        var rng = new RandomGenerator(seed);
        var kernel = new Tensor(rows, cols) { Name = "dense/kernel", RequiresGrad = true };
        var bias = new Tensor(cols) { Name = "dense/bias", RequiresGrad = true };
        foreach (var t in new[] { kernel, bias })
            for (int i = 0; i < t.Size; i++) t.Data[i] = (float)rng.Uniform(-1, 1);
        return (kernel, bias);
    }

    /// <summary>Gradients of step <paramref name="step"/>: mostly small, some large (clipping bites), some exactly 0.</summary>
    private static void SetGradients(int seed, int step, params Tensor[] parameters)
    {
        var rng = new RandomGenerator(seed * 1000 + step);
        foreach (var p in parameters)
        {
            var g = new float[p.Size];
            for (int i = 0; i < g.Length; i++)
            {
                double u = rng.NextDouble();
                g[i] = u < 0.1 ? 0f : u < 0.2 ? (float)rng.Uniform(-5, 5) : (float)rng.Uniform(-0.2, 0.2);
            }
            p.Grad = Tensor.FromArray(g, p.Shape);
        }
    }

    private static void AssertBitwiseEqual(Tensor expected, Tensor actual, string context)
    {
        for (int i = 0; i < expected.Size; i++)
            if (BitConverter.SingleToInt32Bits(expected.Data[i]) != BitConverter.SingleToInt32Bits(actual.Data[i]))
                Assert.Fail($"{context}: {actual.Name}[{i}] is {actual.Data[i]:R} split, {expected.Data[i]:R} unsplit.");
    }

    /// <summary>
    /// Three steps on two copies of a [rows, cols] kernel and its bias: one with Apply(parameters), one with the
    /// kernel split by weight rows as a dense layer splits it (bias unsplit: null); every value must agree bitwise.
    /// </summary>
    private static void CheckSplitMatchesWhole(string optimizerName, int rows, int cols, int threads)
    {
        var whole = Optimizers[optimizerName]();
        var split = Optimizers[optimizerName]();
        var (k1, b1) = Layer(rows, cols, seed: 7);
        var (k2, b2) = Layer(rows, cols, seed: 7);
        var shards = Shards.Plan(rows, threads, 8, 16)?.OfRows(cols);
        Assert.NotNull(shards); // the test must actually split
        for (int step = 0; step < 3; step++)
        {
            SetGradients(11, step, k1, b1);
            SetGradients(11, step, k2, b2);
            whole.Apply([k1, b1]);
            WithMaxThreads(threads, () => split.Apply([k2, b2], [shards, null]));
            string context = $"{optimizerName} [{rows},{cols}] {shards.Count} shards, step {step}";
            AssertBitwiseEqual(k1, k2, context);
            AssertBitwiseEqual(b1, b2, context);
        }
        Assert.Equal(whole.Iterations, split.Iterations);
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void SplitUpdateOfAnOddWidthKernelIsBitwiseTheWholeUpdate(string optimizer) =>
        // 50 rows of 7: shard bounds at element 168, not a multiple of 16, so the shards' vector loops and
        // scalar tails fall differently from the whole parameter's.
        CheckSplitMatchesWhole(optimizer, 50, 7, threads: 2);

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void SplitUpdateOfTheSeedLayerKernelIsBitwiseTheWholeUpdate(string optimizer) =>
        CheckSplitMatchesWhole(optimizer, 784, 128, threads: 2);

    [Theory]
    [InlineData("adam/plain")]
    [InlineData("rmsprop_momentum_centered/weight_decay_clipvalue")]
    [InlineData("sgd_momentum_nesterov/global_clipnorm")]
    public void ThreeShardsOnThreeThreadsAreBitwiseTheWholeUpdate(string optimizer) =>
        CheckSplitMatchesWhole(optimizer, 50, 3, threads: 3);

    [Fact]
    public void TwoSplitLayersAndAnUnsplitParameterTogether() => WithMaxThreads(2, () =>
    {
        // Two kernels with different splits (2 and 3 shards) in one call: each keeps its own bounds.
        var (k1, b1) = Layer(64, 9, seed: 1);
        var (k2, b2) = Layer(40, 5, seed: 2);
        var (c1, d1) = Layer(64, 9, seed: 1);
        var (c2, d2) = Layer(40, 5, seed: 2);
        var whole = new Adam(0.01, globalClipNorm: 2.0);
        var split = new Adam(0.01, globalClipNorm: 2.0);
        var shards = new[] { Shards.Plan(64, 2, 8, 16)!.OfRows(9), null, Shards.Plan(40, 3, 8, 8)!.OfRows(5), null };
        Assert.Equal(3, shards[2]!.Count);
        for (int step = 0; step < 3; step++)
        {
            SetGradients(5, step, k1, b1, k2, b2);
            SetGradients(5, step, c1, d1, c2, d2);
            whole.Apply([k1, b1, k2, b2]);
            split.Apply([c1, d1, c2, d2], shards);
        }
        AssertBitwiseEqual(k1, c1, "kernel 1");
        AssertBitwiseEqual(b1, d1, "bias 1");
        AssertBitwiseEqual(k2, c2, "kernel 2");
        AssertBitwiseEqual(b2, d2, "bias 2");
    });

    [Fact]
    public void ParameterWithoutGradientIsLeftAloneWhenSplit() => WithMaxThreads(2, () =>
    {
        var (kernel, bias) = Layer(50, 7, seed: 3);
        var before = (float[])kernel.Data.Clone();
        SetGradients(1, 0, bias);
        kernel.Grad = null;
        new Adam(0.01).Apply([kernel, bias], [Shards.Plan(50, 2, 8, 16)!.OfRows(7), null]);
        Assert.Equal(before, kernel.Data);
    });

    [Fact]
    public void AllNullSplitsAreTheWholeUpdate() => WithMaxThreads(2, () =>
    {
        var (k1, b1) = Layer(50, 7, seed: 4);
        var (k2, b2) = Layer(50, 7, seed: 4);
        SetGradients(2, 0, k1, b1);
        SetGradients(2, 0, k2, b2);
        new RMSprop(0.01).Apply([k1, b1]);
        new RMSprop(0.01).Apply([k2, b2], [null, null]);
        AssertBitwiseEqual(k1, k2, "kernel");
        AssertBitwiseEqual(b1, b2, "bias");
    });

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SplitListOfTheWrongLengthIsRefused(int count)
    {
        var (kernel, bias) = Layer(50, 7, seed: 5);
        SetGradients(3, 0, kernel, bias);
        var shards = Enumerable.Repeat<Shards?>(Shards.Plan(50, 2, 8, 16)!.OfRows(7), count).ToArray();
        var optimizer = new Adam(0.01);
        var e = Assert.Throws<ArgumentException>(() => optimizer.Apply([kernel, bias], shards));
        Assert.Equal("shardsOf", e.ParamName);
        Assert.Contains($"{count} splits for 2 parameters", e.Message);
        Assert.Equal(0, optimizer.Iterations); // refused before any step
    }
}
