using System.Diagnostics;

namespace Nabla.Cli.Bench;

/// <summary>
/// Times <c>Model.Predict</c> over a whole data set at one batch size: untimed warm-up passes, then the
/// median of timed passes. The model is the training bench's seed network, exported to ONNX beforehand so
/// that ONNX Runtime (bench/peers/onnxruntime) can run the very same weights.
/// </summary>
internal static class InferenceTimer
{
    public sealed record Result(double MedianSeconds, double MinSeconds, double SamplesPerSecond, double AllocatedBytesPerBatch);

    /// <summary>The clinic's MNIST network (784-128 <paramref name="activation"/>-10 softmax, built as the training bench
    /// builds it) with <paramref name="samples"/> random MNIST-shaped inputs.</summary>
    public static (Model Model, Tensor X) SeedNetwork(string activation, int samples)
    {
        var experiment = EpochTimer.SeedNetwork(activation, samples, batch: 1);
        return (experiment.BuildModel(), experiment.X);
    }

    /// <summary>The training bench's CNN (<see cref="EpochTimer.ConvNet"/>) with <paramref name="samples"/> random images.</summary>
    public static (Model Model, Tensor X) ConvNet(int samples)
    {
        var experiment = EpochTimer.ConvNet(samples, batch: 1);
        return (experiment.BuildModel(), experiment.X);
    }

    /// <summary>Least warm-up time, on top of the warm-up passes: at batch 1024 one pass is 10 batches and
    /// ~20 ms, too short for the timings to settle (buffers paged in, caches and clocks steady). The ONNX
    /// Runtime peer warms up as long. (The CLI runs without tiered JIT, so no warm-up is needed for the JIT.)</summary>
    public static readonly TimeSpan MinimumWarmup = TimeSpan.FromSeconds(2);

    /// <param name="output">Where Predict writes (reused by every pass, as the ONNX Runtime peer reuses its
    /// bound output), or null for a new tensor per pass as Keras's predict returns.</param>
    public static Result Run(Model model, Tensor x, int batch, int warmup, int timed, Tensor? output)
    {
        var warming = Stopwatch.StartNew();
        for (int i = 0; i < warmup || warming.Elapsed < MinimumWarmup; i++) model.Predict(x, batch, output);
        var seconds = new double[timed];
        long allocated = 0;
        var clock = new Stopwatch();
        for (int i = 0; i < timed; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            clock.Restart();
            model.Predict(x, batch, output);
            clock.Stop();
            seconds[i] = clock.Elapsed.TotalSeconds;
            allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
        }
        Array.Sort(seconds);
        int samples = x.Shape[0];
        int batches = (samples + batch - 1) / batch;
        double median = seconds[timed / 2];
        return new Result(median, seconds[0], samples / median, allocated / (double)(batches * timed));
    }
}
