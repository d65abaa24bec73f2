using BenchmarkDotNet.Attributes;
using Nabla.Layers;

namespace Nabla.Bench;

/// <summary>
/// <c>Predict</c> of the seed's network over 10,000 samples at the batch sizes of the inference target
/// (1 and 1024), into a reused output tensor as the ONNX Runtime peer does (no allocation), with one and
/// with all kernel threads. Run: <c>dotnet run -c Release --project bench/Nabla.Bench -- --filter *Predict*</c>.
/// </summary>
[MemoryDiagnoser]
public class PredictBenchmarks
{
    private const int Samples = 10_000;
    private Sequential model = null!;
    private Tensor x = null!, output = null!;

    [Params(1, 1024)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Kernels.KernelSettings.MaxThreads = Threads;
        var rng = new RandomGenerator(1);
        x = new Tensor(Samples, 784);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.NextDouble();
        Utils.SetRandomSeed(1);
        model = new Sequential(new Dense(128, activation: "relu", inputShape: [784]), new Dense(10, activation: "softmax"));
        output = new Tensor(Samples, 10);
        model.Predict(x, Batch, output);
    }

    [GlobalCleanup]
    public void Cleanup() => Kernels.KernelSettings.MaxThreads = Environment.ProcessorCount;

    [Benchmark]
    public Tensor Predict() => model.Predict(x, Batch, output);
}
