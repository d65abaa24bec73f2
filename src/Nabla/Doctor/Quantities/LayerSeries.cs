namespace Nabla.Doctor;

/// <summary>One watched layer's samples over a run, with the aggregates detectors compare with thresholds.</summary>
internal sealed class LayerSeries(IReadOnlyList<LayerSample> samples)
{
    public IReadOnlyList<LayerSample> Samples { get; } = samples;

    public LayerSample First => Samples[0];

    public string Name => First.Layer;

    public int Index => First.LayerIndex;

    public double MedianGradientNorm => Median(Samples.Select(s => s.KernelGradNorm));

    /// <summary>Median ‖Δw‖/‖w‖ over steps where the layer was trainable and had a non-zero gradient to step along;
    /// NaN when there were none (frozen, dead or cut-off layers do not move at any learning rate).</summary>
    public double MedianMovingUpdateRatio => Median(Samples
        .Where(s => s.Trainable && s.KernelGradNorm > 0 && double.IsFinite(s.KernelGradNorm)).Select(s => s.UpdateRatio));

    /// <summary>Median ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ over the samples of a recurrent layer; NaN for other layers.</summary>
    public double MedianStateGradientRatio => Median(Samples.Select(s => s.StateGradientRatio));

    /// <summary>The sample whose state-gradient ratio is the median's, for its per-step norms as evidence.</summary>
    public LayerSample? MedianStateGradientSample =>
        Samples.Where(s => double.IsFinite(s.StateGradientRatio)).OrderBy(s => s.StateGradientRatio)
            .ElementAtOrDefault(Samples.Count(s => double.IsFinite(s.StateGradientRatio)) / 2);

    /// <summary>The gates this layer's samples watched, by name, in the layer's order; empty for a layer without gates.</summary>
    public IEnumerable<string> GateNames => Samples.SelectMany(s => s.Gates ?? []).Select(g => g.Gate).Distinct();

    /// <summary>The median over samples of one gate's shares of units stuck closed and stuck open, and the first sample
    /// in which that gate was measured (for where it was seen).</summary>
    public (double closed, double open, LayerSample first) MedianStuckGate(string gate)
    {
        var measured = Samples.Where(s => s.Gates?.Any(g => g.Gate == gate) == true).ToList();
        var values = measured.Select(s => s.Gates!.First(g => g.Gate == gate)).ToList();
        return (Median(values.Select(g => g.StuckClosed)), Median(values.Select(g => g.StuckOpen)), measured[0]);
    }

    public IEnumerable<LayerSample> WithSaturation => Samples.Where(s => !double.IsNaN(s.SaturatedFraction));

    public IEnumerable<LayerSample> WithDeadUnits => Samples.Where(s => !double.IsNaN(s.DeadFraction));

    /// <summary>The samples of the steps before <paramref name="step"/> (all of them when null): the steps that say
    /// something about the gradient and the step size when later ones cannot (a step whose loss is not finite computes no
    /// gradient; after training froze, no step moves the weights).</summary>
    public IEnumerable<LayerSample> SampledBefore(long? step) =>
        Samples.Where(s => step is not long b || s.Step < b);

    /// <summary>Every kernel gradient exactly zero, and no bias gradient either.</summary>
    public bool AllGradientsZero => Samples.All(s => s.GradientAllZero && !(s.BiasGradNorm > 0));

    /// <summary>Dead on every sample: nothing passes back through this layer.</summary>
    public bool AlwaysDead => Samples.All(s => s.DeadFraction >= 1);

    public static IReadOnlyList<LayerSeries> Of(IEnumerable<LayerSample> samples) =>
        samples.GroupBy(s => s.LayerIndex).OrderBy(g => g.Key).Select(g => new LayerSeries(g.ToList())).ToList();

    /// <summary>The median of the finite values (upper median); NaN when there are none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
