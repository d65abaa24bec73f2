using BenchmarkDotNet.Attributes;

namespace Nabla.Bench;

/// <summary>
/// <c>LoadWeights</c> of keras.applications' MobileNetV2 (no top, 96x96: 260 weights, 9.1 MB) from a Keras 3
/// ".weights.h5" file, where every weight sits under Keras's "layers" group of one child per layer. Run:
/// <c>dotnet run -c Release --project bench/Nabla.Bench -- --filter *WeightsFile*</c>.
/// </summary>
public class WeightsFileBenchmarks
{
    private Model model = null!;
    private string path = null!;

    [GlobalSetup]
    public void Setup()
    {
        Utils.SetRandomSeed(1);
        model = Applications.MobileNetV2(includeTop: false, weights: null, inputShape: [96, 96, 3]);
        path = Path.Combine(Path.GetTempPath(), $"nabla-bench-{Guid.NewGuid():N}.weights.h5");
        model.SaveWeights(path);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(path);

    [Benchmark]
    public void LoadMobileNetV2WeightsH5() => model.LoadWeights(path);
}
