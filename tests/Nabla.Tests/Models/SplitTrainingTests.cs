using Nabla.Autograd.Ops;
using Nabla.Kernels;
using Nabla.Layers;
using Nabla.Optimizers;

namespace Nabla.Tests.Models;

/// <summary>
/// Split training steps (a wide dense layer's input features, so its rows of W and dW, shared between the kernel
/// threads) must train bitwise the same on any number of threads: same weights, same losses, every epoch, every
/// optimizer. The split itself (shards of the input features, DenseOp.ShardCount) depends only on the layer, not on
/// the threads, and must train as the whole product does, up to the rounding of summing the partial products.
/// </summary>
/// <remarks>The tests change <c>KernelSettings</c>, so the class runs with the process-wide settings' tests.</remarks>
[Collection(nameof(Nabla.Tests.Kernels.KernelSettingsTests))]
public class SplitTrainingTests
{
    private static readonly Dictionary<string, Func<Optimizer>> Optimizers = new()
    {
        ["adam"] = () => new Adam(0.003),
        ["sgd_momentum"] = () => new SGD(0.05, momentum: 0.9),
        ["sgd_nesterov"] = () => new SGD(0.05, momentum: 0.9, nesterov: true),
        ["rmsprop"] = () => new RMSprop(0.002),
        ["adamw"] = () => new AdamW(0.003, weightDecay: 0.05),
        ["adam_weight_decay"] = () => new Adam(0.003, weightDecay: 0.02),
        ["adam_clipvalue"] = () => new Adam(0.003, clipValue: 0.01),
        ["adam_clipnorm"] = () => new Adam(0.003, clipNorm: 0.05),
        ["adam_global_clipnorm"] = () => new Adam(0.003, globalClipNorm: 0.05),
        // Clipping that never clips: the same updates, but only after the whole backward pass.
        ["adam_huge_clipnorm"] = () => new Adam(0.003, clipNorm: 1e30),
        ["nadam"] = () => new Nadam(0.003),
        ["adagrad"] = () => new Adagrad(0.05),
        ["adadelta"] = () => new Adadelta(1.0),
        ["adamax"] = () => new Adamax(0.003),
        ["lion"] = () => new Lion(0.001),
        ["ftrl"] = () => new Ftrl(0.05),
    };

    /// <summary>A network to train: its seeded builder, the data's shape and the batch size.</summary>
    private sealed record Network(Func<Sequential> Build, int Features, int Classes, int Samples, int Batch);

    private static readonly Dictionary<string, Network> Networks = new()
    {
        // The brief's small network; whether it splits depends on the tile widths (on AVX-512 its 64 and 48 units
        // are too narrow), so only its equality is asserted.
        ["small"] = new(() => new Sequential(new Dense(64, "relu", inputShape: [50]), new Dense(48, "sigmoid"), new Dense(5, "softmax")),
            50, 5, 200, 32),
        // Wide enough to split on every path; 130 units leave a ragged last tile; an L2 penalty adds to dW.
        ["wide"] = new(() => new Sequential(new Dense(160, "relu", inputShape: [50]), new Dense(130, "tanh", kernelRegularizer: "l2"),
            new Dense(5, "softmax")), 50, 5, 300, 40),
        // No bias: the forward shards add none, and db's sum is skipped.
        ["no_bias"] = new(() => new Sequential(new Dense(160, "sigmoid", useBias: false, inputShape: [50]), new Dense(5, "softmax")),
            50, 5, 150, 32),
        // 2,048 input features: four shards of at least 512 features (DenseOp.ShardCount).
        ["wide_input"] = new(() => new Sequential(new Dense(24, "relu", inputShape: [2048]), new Dense(5, "softmax")), 2048, 5, 160, 32),
        // The seed network at batch 128 (700 samples: the last batch of each epoch has 60 rows).
        ["seed"] = new(() => new Sequential(new Dense(128, "relu", inputShape: [784]), new Dense(10, "softmax")), 784, 10, 700, 128),
    };

    public static TheoryData<string, string> NetworkAndOptimizer()
    {
        var data = new TheoryData<string, string>();
        foreach (var network in Networks.Keys)
            foreach (var optimizer in Optimizers.Keys) data.Add(network, optimizer);
        return data;
    }

    public static TheoryData<GemmPath> PackedPaths()
    {
        var data = new TheoryData<GemmPath>();
        foreach (var path in new[] { GemmPath.Avx512, GemmPath.Avx2, GemmPath.Vector })
            if (GemmKernels.IsSupported(path)) data.Add(path);
        return data;
    }

    /// <summary>Runs <paramref name="action"/> with every layer splittable and the given threads and path, restoring the settings after.</summary>
    internal static T WithSettings<T>(int threads, GemmPath path, Func<T> action)
    {
        long savedThreshold = KernelSettings.LayerSplitThresholdMacs;
        int savedThreads = KernelSettings.MaxThreads;
        var savedPath = KernelSettings.ForcedPath;
        try
        {
            KernelSettings.LayerSplitThresholdMacs = forcedThreshold ?? 0;
            KernelSettings.MaxThreads = threads;
            KernelSettings.ForcedPath = path;
            return action();
        }
        finally
        {
            KernelSettings.LayerSplitThresholdMacs = savedThreshold;
            KernelSettings.MaxThreads = savedThreads;
            KernelSettings.ForcedPath = savedPath;
        }
    }

    internal static (Tensor X, Tensor Y) RandomData(int samples, int features, int classes, int seed)
    {
        var rng = new RandomGenerator(seed);
        var x = new Tensor(samples, features);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.Uniform(-1, 1);
        var y = new Tensor(samples, classes);
        for (int s = 0; s < samples; s++) y.Data[s * classes + rng.NextInt(classes)] = 1f;
        return (x, y);
    }

    private sealed record Run(float[][] Weights, string[] Names, double[] Losses, IReadOnlyList<Shards?>? ParameterShards);

    /// <summary>Builds the seeded network, trains 2 shuffled epochs with <paramref name="threads"/> kernel threads.</summary>
    private static Run Train(string network, string optimizer, int threads, GemmPath path = GemmPath.Auto,
        Action<Sequential>? betweenEpochs = null) => Train(Networks[network], optimizer, threads, path, betweenEpochs);

    private static Run Train(Network network, string optimizer, int threads, GemmPath path = GemmPath.Auto,
        Action<Sequential>? betweenEpochs = null) => WithSettings(threads, path, () =>
    {
        var (build, features, classes, samples, batch) = network;
        var (x, y) = RandomData(samples, features, classes, seed: 17);
        Utils.SetRandomSeed(42);
        var model = build();
        model.Compile(Optimizers[optimizer](), "categorical_crossentropy");
        var losses = new List<double>();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            losses.AddRange(model.Fit(x, y, epochs: 1, batchSize: batch, shuffle: true, verbose: 0)["loss"]);
            if (epoch == 0) betweenEpochs?.Invoke(model);
        }
        var weights = model.GetWeights();
        return new Run(weights.Select(w => (float[])w.Data.Clone()).ToArray(), weights.Select(w => w.Name ?? "?").ToArray(),
            losses.ToArray(), model.LastTrainStep!.ParameterShards);
    });

    private static void AssertBitwiseEqual(Run expected, Run actual, string context)
    {
        Assert.Equal(expected.Weights.Length, actual.Weights.Length);
        for (int w = 0; w < expected.Weights.Length; w++)
        {
            var (e, a) = (expected.Weights[w], actual.Weights[w]);
            Assert.Equal(e.Length, a.Length);
            int differing = 0, first = -1;
            for (int i = 0; i < e.Length; i++)
                if (BitConverter.SingleToInt32Bits(e[i]) != BitConverter.SingleToInt32Bits(a[i]))
                {
                    differing++;
                    if (first < 0) first = i;
                }
            if (differing > 0)
                Assert.Fail($"{context}: weight {expected.Names[w]} differs at {differing} of {e.Length} elements; first [{first}] is " +
                            $"{a[first]:R} split, {e[first]:R} on one thread.");
        }
        for (int epoch = 0; epoch < expected.Losses.Length; epoch++)
            Assert.True(BitConverter.DoubleToInt64Bits(expected.Losses[epoch]) == BitConverter.DoubleToInt64Bits(actual.Losses[epoch]),
                $"{context}: epoch {epoch} loss {actual.Losses[epoch]:R} split, {expected.Losses[epoch]:R} on one thread.");
    }

    /// <summary>The split run's last step split at least one layer (so the comparison is not vacuous).</summary>
    private static void AssertSplit(Run run, string context)
    {
        Assert.True(run.ParameterShards is { } shards && shards.Any(s => s is not null),
            $"{context}: no layer was split with 2 threads; the test would compare one-thread runs.");
    }

    [Theory]
    [MemberData(nameof(NetworkAndOptimizer))]
    public void TwoThreadsTrainBitwiseAsOne(string network, string optimizer)
    {
        var one = Train(network, optimizer, threads: 1);
        var two = Train(network, optimizer, threads: 2);
        // The split does not depend on the thread count; only the small network may stay whole (too narrow for
        // some tile heights), the others are built to split.
        Assert.Equal(one.ParameterShards is null, two.ParameterShards is null);
        if (network != "small") AssertSplit(two, $"{network}/{optimizer}");
        AssertBitwiseEqual(one, two, $"{network}/{optimizer} on {GemmKernels.Current}");
    }

    [Theory]
    [MemberData(nameof(PackedPaths))]
    public void EveryGemmPathTrainsBitwiseAsOneThreadWhenSplit(GemmPath path)
    {
        foreach (var network in Networks.Keys)
            foreach (var optimizer in new[] { "adam", "sgd_momentum", "adam_clipnorm" })
            {
                var one = Train(network, optimizer, threads: 1, path);
                var two = Train(network, optimizer, threads: 2, path);
                if (network != "small") AssertSplit(two, $"{network}/{optimizer} on {path}");
                AssertBitwiseEqual(one, two, $"{network}/{optimizer} on {path}");
            }
    }

    [Fact]
    public void ReferencePathTrainsBitwiseAsOneThreadWhenSplit()
    {
        var one = Train("no_bias", "adam", threads: 1, GemmPath.Reference);
        var two = Train("no_bias", "adam", threads: 2, GemmPath.Reference);
        AssertSplit(two, "no_bias on Reference");
        AssertBitwiseEqual(one, two, "no_bias/adam on Reference");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    public void AnyThreadCountTrainsBitwiseAsOne(int threads)
    {
        // The shards follow the problem size, not the thread count (more threads than cores is only slower):
        // two shards of the seed's 784 features, four of wide_input's 2,048.
        foreach (var (network, shards) in new[] { ("seed", 2), ("wide_input", 4) })
        {
            var one = Train(network, "adam", threads: 1);
            var many = Train(network, "adam", threads: threads);
            AssertSplit(many, $"{network}/adam on {threads} threads");
            Assert.Equal(shards, many.ParameterShards![0]!.Count);
            Assert.Equal(one.ParameterShards!.Select(s => s?.Count), many.ParameterShards!.Select(s => s?.Count));
            AssertBitwiseEqual(one, many, $"{network}/adam on {threads} threads");
        }
    }

    [Theory]
    [InlineData(784, 32 * 784 * 128, 2)]       // the seed's first layer: 784 features make two shards of 392
    [InlineData(1100, 1L << 30, 2)]           // four would leave 275 features per shard
    [InlineData(2048, 1L << 30, 4)]           // 512 per shard; eight would leave 256
    [InlineData(4096, 1L << 30, 8)]
    [InlineData(1 << 16, 1L << 40, 8)]        // never more than MaxShards
    [InlineData(8192, 4L << 20, 4)]           // 4M multiply-adds: shards keep half of the 2M threshold
    public void ShardCountFollowsTheProblemSizeOnly(int inFeatures, long macs, int expected)
    {
        int saved = KernelSettings.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2, 8 })
            {
                KernelSettings.MaxThreads = threads;
                Assert.Equal(expected, DenseOp.ShardCount(inFeatures, macs, minMacs: 2L << 20));
            }
        }
        finally
        {
            KernelSettings.MaxThreads = saved;
        }
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("relu6")]
    [InlineData("leaky_relu")]
    [InlineData("elu")]
    [InlineData("selu")]
    [InlineData("gelu")]
    [InlineData("sigmoid")]
    [InlineData("hard_sigmoid")]
    [InlineData("tanh")]
    [InlineData("softplus")]
    [InlineData("softsign")]
    [InlineData("silu")]
    [InlineData("exponential")]
    [InlineData("linear")]
    public void EveryElementwiseActivationTrainsBitwiseWhenSplit(string activation)
    {
        // Every activation's forward and backward around a split product, on one thread and on two.
        var network = new Network(() => new Sequential(new Dense(160, activation, inputShape: [50]), new Dense(130, activation),
            new Dense(5, "softmax")), 50, 5, 120, 40);
        var one = Train(network, "adam", threads: 1);
        var two = Train(network, "adam", threads: 2);
        AssertSplit(two, activation);
        AssertBitwiseEqual(one, two, $"{activation} layers");
    }

    [Fact]
    public void DroppingToOneThreadAfterASplitStepWasCapturedStillTrainsBitwise()
    {
        // The first epoch captures split steps; the second runs them with MaxThreads = 1 (every shard then runs
        // inline on the caller).
        var one = Train("seed", "adam", threads: 1);
        var dropped = Train("seed", "adam", threads: 2, betweenEpochs: _ => KernelSettings.MaxThreads = 1);
        AssertSplit(dropped, "seed/adam");
        AssertBitwiseEqual(one, dropped, "seed/adam, 2 threads then 1");
    }

    [Theory]
    [InlineData("seed", "adam")]
    [InlineData("wide", "sgd_momentum")]
    [InlineData("no_bias", "rmsprop")]
    public void SplitTrainsAsTheWholeProductUpToRounding(string network, string optimizer)
    {
        // The split sums two partial products where the whole product sums all of k in one run: the same math,
        // rounded differently. Trained weights must agree closely, and the losses to several digits.
        var split = Train(network, optimizer, threads: 2);
        AssertSplit(split, network);
        var whole = WithThreshold(long.MaxValue, () => Train(network, optimizer, threads: 2));
        Assert.Null(whole.ParameterShards);
        for (int w = 0; w < whole.Weights.Length; w++)
            for (int i = 0; i < whole.Weights[w].Length; i++)
                Assert.True(Math.Abs(split.Weights[w][i] - whole.Weights[w][i]) <= 1e-4 + 1e-3 * Math.Abs(whole.Weights[w][i]),
                    $"{network}/{optimizer}: weight {whole.Names[w]}[{i}] is {split.Weights[w][i]:R} split, {whole.Weights[w][i]:R} whole.");
        for (int epoch = 0; epoch < whole.Losses.Length; epoch++)
            Assert.Equal(whole.Losses[epoch], split.Losses[epoch], 1e-4);
    }

    /// <summary>Runs <paramref name="action"/> with <see cref="WithSettings"/> using <paramref name="threshold"/> instead of 0.</summary>
    private static T WithThreshold<T>(long threshold, Func<T> action)
    {
        long saved = KernelSettings.LayerSplitThresholdMacs;
        try
        {
            forcedThreshold = threshold;
            return action();
        }
        finally
        {
            forcedThreshold = null;
            KernelSettings.LayerSplitThresholdMacs = saved;
        }
    }

    private static long? forcedThreshold;

    [Theory]
    [InlineData("seed")]
    [InlineData("wide")]
    [InlineData("no_bias")]
    public void UpdatingDuringTheBackwardPassGivesTheSameWeights(string network)
    {
        // Adam updates split layers during the backward pass; with a clipnorm far above every gradient's norm
        // (a scale of exactly 1) it cannot, and must update after the backward pass to the same bits.
        var early = Train(network, "adam", threads: 2);
        var late = Train(network, "adam_huge_clipnorm", threads: 2);
        AssertSplit(early, network);
        AssertBitwiseEqual(late, early, $"{network}: updates during the backward pass");
        KernelSettings.UpdateDuringBackward = false;
        try
        {
            AssertBitwiseEqual(Train(network, "adam", threads: 2), early, $"{network}: updates after the backward pass");
        }
        finally
        {
            KernelSettings.UpdateDuringBackward = true;
        }
    }

    [Fact]
    public void GradientsAfterASplitStepLeaveTheWeightsAlone() => WithSettings(2, GemmPath.Auto, () =>
    {
        // The step's layers update their weights during its backward pass; replaying graphs afterwards (the
        // doctor's gradient probes) must not.
        var (x, y) = RandomData(128, 784, 10, seed: 5);
        Utils.SetRandomSeed(5);
        var model = new Sequential(new Dense(128, "relu", inputShape: [784]), new Dense(10, "softmax"));
        model.Compile(new Adam(), "categorical_crossentropy");
        model.TrainOnBatch(x, y);
        Assert.Contains(model.LastTrainStep!.UpdatedEarly!, flag => flag);
        var before = model.GetWeights().Select(w => (float[])w.Data.Clone()).ToArray();
        model.ComputeGradients(x, y);
        model.LastTrainStep!.Run();
        var after = model.GetWeights();
        for (int w = 0; w < before.Length; w++) Assert.Equal(before[w], after[w].Data);
        return 0;
    });
}
