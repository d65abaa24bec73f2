using Nabla.Serialization;
using System.Diagnostics;
using Nabla.Callbacks;
using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Configuration;

namespace Nabla.Cli.Bench;

/// <summary>Times whole epochs of <c>Fit</c> (one call, so setup is paid once) and counts allocations per step.</summary>
internal static class EpochTimer
{
    public sealed record Result(double MedianSeconds, double MinSeconds, double SamplesPerSecond, double AllocatedBytesPerStep);

    /// <summary>The peers' workload: random MNIST-shaped data, 784-128-10 softmax, MSE, Adam(1e-3).</summary>
    public static Experiment SeedNetwork(string activation, int samples, int batch)
    {
        var model = new Sequential(new Dense(128, activation: activation, inputShape: [784]), new Dense(10, activation: "softmax"));
        return RandomWorkload("seed", model, [samples, 784], "mse", batch);
    }

    /// <summary>The same network and data built with the functional API (<c>Input</c>, <c>Apply</c>, <c>Model</c>),
    /// to show that a functional model trains as fast as its Sequential twin.</summary>
    public static Experiment SeedNetworkFunctional(string activation, int samples, int batch)
    {
        var inputs = new Input([784]);
        var hidden = new Dense(128, activation: activation).Apply(inputs);
        var model = new Model(inputs, new Dense(10, activation: "softmax").Apply(hidden));
        return RandomWorkload("seed-functional", model, [samples, 784], "mse", batch);
    }

    /// <summary>
    /// The peers' CNN workload, Keras's "simple MNIST convnet": random 28×28×1 images in [0, 1), Conv2D(32, 3) relu,
    /// MaxPooling2D(2), Conv2D(64, 3) relu, MaxPooling2D(2), Flatten, Dropout(0.5), Dense(10) softmax,
    /// categorical crossentropy, Adam(1e-3). About 14.3 MFLOP per sample per training step (forward, input and
    /// weight gradients), so 855 GFLOP per epoch of 60,000.
    /// </summary>
    public static Experiment ConvNet(int samples, int batch) =>
        RandomWorkload("cnn", SimpleMnistConvnet(), [samples, 28, 28, 1], "categorical_crossentropy", batch);

    /// <summary>
    /// The peers' recurrent workload: <paramref name="cell"/> ("lstm" or "gru") with 128 units over random sequences of
    /// 50 steps of 32 features in [0, 1), then Dense(1), MSE against random targets in [0, 1), Adam(1e-3).
    /// </summary>
    public static Experiment RecurrentNet(string cell, int samples, int batch)
    {
        Layer recurrent = cell == "lstm" ? new LSTM(128, inputShape: [50, 32]) : new GRU(128, inputShape: [50, 32]);
        return RandomWorkload(cell, new Sequential(recurrent, new Dense(1)), [samples, 50, 32], "mse", batch, classes: null);
    }

    /// <summary>
    /// The peers' depthwise workload, one MobileNet-style separable block: random 16×16×32 maps in [0, 1),
    /// DepthwiseConv2D(3, same) relu, Conv2D(64, 1) relu (the pointwise step), GlobalAveragePooling2D, Dense(10) softmax,
    /// categorical crossentropy, Adam(1e-3). PyTorch's twin is Conv2d(32, 32, 3, padding=1, groups=32).
    /// </summary>
    public static Experiment DepthwiseNet(int samples, int batch) =>
        RandomWorkload("depthwise", new Sequential(
            new DepthwiseConv2D(3, padding: "same", activation: "relu", inputShape: [16, 16, 32]),
            new Conv2D(64, kernelSize: 1, activation: "relu"),
            new GlobalAveragePooling2D(),
            new Dense(10, activation: "softmax")), [samples, 16, 16, 32], "categorical_crossentropy", batch);

    /// <summary>Keras's "simple MNIST convnet", layer for layer.</summary>
    public static Sequential SimpleMnistConvnet() => new(
        new Conv2D(32, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1]),
        new MaxPooling2D(poolSize: 2),
        new Conv2D(64, kernelSize: (3, 3), activation: "relu"),
        new MaxPooling2D(poolSize: (2, 2)),
        new Flatten(),
        new Dropout(0.5),
        new Dense(10, activation: "softmax"));

    /// <summary>An Adam experiment on random inputs in [0, 1) of <paramref name="shape"/> (the values do not affect the
    /// speed), unshuffled, with one-hot labels of <paramref name="classes"/> uniform classes, or with one random
    /// target in [0, 1) per sample when <paramref name="classes"/> is null.</summary>
    private static Experiment RandomWorkload(string name, Model model, int[] shape, string loss, int batch, int? classes = 10)
    {
        var rng = new RandomGenerator(7);
        var x = new Tensor(shape);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.NextDouble();
        int samples = shape[0];
        var y = new Tensor(samples, classes ?? 1);
        for (int i = 0; i < samples; i++)
        {
            if (classes is int k) y.Data[i * k + rng.NextInt(k)] = 1;
            else y.Data[i] = (float)rng.NextDouble();
        }
        return new Experiment
        {
            Name = name,
            Model = KerasModelJson.ToConfig(model),
            Optimizer = "adam",
            Loss = loss,
            Metrics = [],
            X = x,
            Y = y,
            BatchSize = batch,
            Shuffle = false,
            Seed = 1,
        };
    }

    public static Result Run(Experiment experiment, int warmup, int timed, Callback? extra = null)
    {
        var model = experiment.BuildModel();
        var timer = new EpochClock(warmup);
        var callbacks = extra is null ? new Callback[] { timer } : [timer, extra];
        model.Fit(experiment.X, experiment.Y, epochs: warmup + timed, batchSize: experiment.BatchSize,
            shuffle: experiment.Shuffle, callbacks: callbacks, verbose: 0, preflight: false);
        var times = timer.Seconds.Order().ToArray();
        int samples = experiment.X.Shape[0];
        int steps = (samples + experiment.BatchSize - 1) / experiment.BatchSize;
        return new Result(times[times.Length / 2], times[0], samples / times[times.Length / 2],
            timer.AllocatedBytes / (double)(steps * timed));
    }

    /// <summary>Records each timed epoch's wall time and the bytes allocated (all threads) during them.</summary>
    private sealed class EpochClock(int warmup) : Callback
    {
        private readonly Stopwatch clock = new();
        private long allocatedAtStart;

        public List<double> Seconds { get; } = [];

        public long AllocatedBytes { get; private set; }

        public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
        {
            allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
            clock.Restart();
        }

        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
        {
            clock.Stop();
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedAtStart;
            if (epoch < warmup) return;
            Seconds.Add(clock.Elapsed.TotalSeconds);
            AllocatedBytes += allocated;
        }
    }
}
