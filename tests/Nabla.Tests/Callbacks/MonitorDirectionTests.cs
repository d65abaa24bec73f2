using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Callbacks;

/// <summary>
/// A callback's mode "auto" as Keras's MonitorCallback settles it (keras/src/callbacks/monitor_callback.py): a loss
/// falls, a compiled metric goes the way its <c>_direction</c> says, and a metric that says nothing is refused.
/// </summary>
public class MonitorDirectionTests
{
    private static FitInfo Fit(params (string Key, bool? Rises)[] metrics) =>
        new(1, 1, 1, 1) { MetricDirections = metrics.ToDictionary(m => m.Key, m => m.Rises) };

    [Fact]
    public void AutoFollowsTheCompiledMetricsDirection()
    {
        var fit = Fit(("cosine_similarity", true), ("mae", false), ("mean", null));
        // The name alone would say "falls" for a similarity; its metric says it rises.
        var similarity = new MonitorMode("val_cosine_similarity", "auto", 0);
        Assert.False(similarity.IsMax);
        similarity.Resolve(fit);
        Assert.True(similarity.IsMax);
        var error = new MonitorMode("mae", "auto", 0);
        error.Resolve(fit);
        Assert.False(error.IsMax);
        var loss = new MonitorMode("val_out_loss", "auto", 0);
        loss.Resolve(fit);
        Assert.False(loss.IsMax);
        Assert.Contains("Pass mode", Assert.Throws<ArgumentException>(() => new MonitorMode("val_mean", "auto", 0).Resolve(fit)).Message);
        // An explicit mode is never overridden.
        var explicitMin = new MonitorMode("cosine_similarity", "min", 0);
        explicitMin.Resolve(fit);
        Assert.False(explicitMin.IsMax);
    }

    [Fact]
    public void EarlyStoppingOnAMetricThatRisesKeepsItsHighestValue()
    {
        Utils.SetRandomSeed(3);
        var x = GradientCheck.Random(1, -1, 1, 64, 4);
        // Learnable targets (the first three features), so that the similarity climbs.
        var y = Tensor.FromArray([.. Enumerable.Range(0, 64 * 3).Select(i => x.Data[i / 3 * 4 + i % 3])], 64, 3);
        var model = new Sequential(new Dense(3, inputShape: [4]));
        model.Compile("adam", "mse", metrics: ["cosine_similarity"]);
        var stopping = new EarlyStopping(monitor: "cosine_similarity", patience: 100);
        var history = model.Fit(x, y, epochs: 15, batchSize: 16, verbose: 0, callbacks: [stopping]);
        Assert.Equal(history["cosine_similarity"].Max(), stopping.Best);
        Assert.True(history["cosine_similarity"].Max() > history["cosine_similarity"].Min());
    }
}
