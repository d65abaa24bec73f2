using BenchmarkDotNet.Attributes;
using Nabla.Layers;

namespace Nabla.Bench;

/// <summary>
/// One training step of a 3x3 Conv2D (32 → 64 channels, relu, same padding) on 16x16 maps, ordinary and grouped:
/// a grouped convolution records one convolution per block on slices of the input, kernel and bias, joined, so its
/// cost against the ordinary one (which does groups times the multiplications) shows the slicing's overhead.
/// Run: <c>dotnet run -c Release --project bench/Nabla.Bench -- --filter *GroupedConv* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class GroupedConvBenchmarks
{
    private Sequential model = null!;
    private Tensor x = null!, y = null!;

    [Params(1, 4, 32)]
    public int Groups { get; set; }

    [Params(32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new RandomGenerator(1);
        x = new Tensor(Batch, 16, 16, 32);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.NextDouble();
        y = new Tensor(Batch, 16, 16, 64);
        for (int i = 0; i < y.Size; i++) y.Data[i] = (float)rng.NextDouble();
        Utils.SetRandomSeed(1);
        model = new Sequential(new Conv2D(64, 3, padding: "same", activation: "relu", groups: Groups, inputShape: [16, 16, 32]));
        model.Compile("adam", "mse");
        model.TrainOnBatch(x, y);
    }

    [Benchmark]
    public double TrainStep() => model.TrainOnBatch(x, y);
}
