using Nabla.Cli.Bench;

namespace Nabla.Tests.Cli;

/// <summary>The bench workloads that bench/peers mirror: the same shapes and parameter counts in every framework.</summary>
public class BenchWorkloadTests
{
    [Fact]
    public void TheDepthwiseWorkloadIsTheSeparableBlockTorchSharpRuns()
    {
        var e = EpochTimer.DepthwiseNet(samples: 64, batch: 32);
        var model = e.BuildModel();
        // TorchSharp's twin: Conv2d(32, 32, 3, groups 32) 3·3·32 + 32, Conv2d(32, 64, 1) 32·64 + 64, Linear(64, 10) 64·10 + 10.
        Assert.Equal(3 * 3 * 32 + 32 + 32 * 64 + 64 + 64 * 10 + 10, model.CountParams());
        Assert.Equal([64, 16, 16, 32], e.X.Shape);
        Assert.Equal([10], model.OutputShape!);
        var history = model.Fit(e.X, e.Y, epochs: 1, batchSize: 32, verbose: 0);
        Assert.True(double.IsFinite(history["loss"][^1]));
    }
}
