using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Initial kernels whose variance is outside DeepDiagnosis's band (a warning even when the run learned), or
/// whose std is far outside what any of Keras's variance-scaling initializers gives a kernel of this shape (info when
/// the run learned: an N(0, 1) start that trains is an observation). In a plain chain, also a run of ReLU layers each a
/// little outside the band whose factors multiply past the same limit: He et al. (2015) show that the signal's std is
/// scaled by every layer's factor in turn, so eleven layers at a third of the band leave a few millionths of the signal.</summary>
internal sealed class PoorInitializationDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        foreach (var k in q.Model.InitialKernels)
        {
            double variance = k.Weights.Variance, std = k.Weights.Std;
            // Units that start equal stay equal only while they get equal updates: an output layer's units are each pulled
            // toward their own targets, so an all-zero output kernel parts from its first step (softmax regression starts
            // there as a rule).
            if (variance == 0 && k.Weights.Mean == 0 && IsOutput(q.Model, k)) continue;
            string[] fixes = k.Saturating ? [FixCodes.FixInitialization, FixCodes.UseReluHeInit] : [FixCodes.FixInitialization];
            var evidence = new (string, object)[]
            {
                ("weight_std", R(std)), ("expected_std", R(k.PreferredStd)), ("variance_preserving_low", R(k.LowStd)),
                ("variance_preserving_high", R(k.HighStd)), ("weight_variance", R(variance)),
                ("min_variance", t.MinWeightVariance), ("max_variance", t.MaxWeightVariance), ("fan_in", k.FanIn), ("fan_out", k.FanOut),
            };
            if (VarianceOutside(k, t))
                yield return new(Make(FindingCodes.PoorInitialization, Severity.Error,
                    variance == 0
                        ? $"Every weight of '{k.Layer}' starts with the same value, so all its units compute the same thing and receive the same update: they can never become different."
                        : $"The weights of '{k.Layer}' start with variance {variance:G3}, outside [{t.MinWeightVariance:G1}, {t.MaxWeightVariance:G2}]: signals shrink or blow up as they pass through the layer.",
                    fixes, evidence).At(k.Layer, k.Index), Floor: Severity.Warning);
            else if (StdFarOutside(k, t))
                yield return new(Make(FindingCodes.PoorInitialization, Severity.Error,
                    $"The weights of '{k.Layer}' start with std {std:G3}, more than {t.InitStdFactor}x {(std > k.HighStd ? "above" : "below")} every " +
                    $"variance-preserving initializer for {k.FanIn} inputs and {k.FanOut} outputs ({k.LowStd:G3} to {k.HighStd:G3}; " +
                    $"{k.PreferredStd:G3} suits {k.Activation}): the signal's variance {(std > k.HighStd ? "grows" : "shrinks")} layer after layer.",
                    fixes, [.. evidence, ("factor", t.InitStdFactor)]).At(k.Layer, k.Index));
        }
        if (q.Model.PlainChainKernelLayers is not null)
            foreach (var run in ReluRuns(q.Model.InitialKernels))
                if (ChainDetection(run, t) is { } d) yield return d;
    }

    private static bool IsOutput(ModelQuantities model, InitialKernel k) =>
        model.Output?.Index == k.Index || model.Outputs.Any(o => o.Name == k.Layer);

    /// <summary>DeepDiagnosis's rule on one kernel.</summary>
    private static bool VarianceOutside(InitialKernel k, DoctorThresholds t) =>
        k.Weights.Variance < t.MinWeightVariance || k.Weights.Variance > t.MaxWeightVariance;

    /// <summary>The single-kernel rule: a std more than the limit outside every variance-preserving initializer's.</summary>
    private static bool StdFarOutside(InitialKernel k, DoctorThresholds t) =>
        k.Weights.Std > k.HighStd * t.InitStdFactor || k.Weights.Std < k.LowStd / t.InitStdFactor;

    /// <summary>Maximal runs of consecutive ReLU-family kernels, in model order, with no normalization between them.</summary>
    private static IEnumerable<List<InitialKernel>> ReluRuns(IReadOnlyList<InitialKernel> kernels)
    {
        var run = new List<InitialKernel>();
        foreach (var k in kernels)
        {
            if (k.ReluFamily && !k.Rescaled) { run.Add(k); continue; }
            if (run.Count > 1) yield return run;
            run = k.ReluFamily ? [k] : [];
        }
        if (run.Count > 1) yield return run;
    }

    /// <summary>The layers a chain finding names are those more than this factor outside the band: Keras's defaults sit on
    /// the band's edges (He at the top, Glorot at the bottom when fan-in equals fan-out), and a sampled std strays a few
    /// percent across them. They still enter the product, where such strays are negligible.</summary>
    private const double NamedFactor = 1.1;

    /// <summary>How far a kernel's std lies outside the variance-preserving band: below 1 under it, above 1 over it, 1 inside.</summary>
    private static double BandFactor(InitialKernel k) => k.Weights.Std / Math.Clamp(k.Weights.Std, k.LowStd, k.HighStd);

    /// <summary>The run's band factors multiplied. A run in which some single kernel is already flagged on its own is left
    /// to that finding.</summary>
    private static Detection? ChainDetection(List<InitialKernel> run, DoctorThresholds t)
    {
        if (run.Any(k => !(k.Weights.Std > 0) || VarianceOutside(k, t) || StdFarOutside(k, t))) return null;
        double total = Math.Exp(run.Sum(k => Math.Log(BandFactor(k))));
        if (total >= 1 / t.InitStdFactor && total <= t.InitStdFactor) return null;
        var named = run.Where(k => Math.Abs(Math.Log(BandFactor(k))) > Math.Log(NamedFactor)).ToList();
        // Many layers each just inside the naming factor can still add up: then every layer off the band is named.
        if (named.Count == 0) named = run.Where(k => BandFactor(k) != 1).ToList();
        var first = named[0];
        bool shrinks = total < 1;
        return new(Make(FindingCodes.PoorInitialization, Severity.Error,
            $"{named.Count} of the {run.Count} ReLU layers from '{run[0].Layer}' to '{run[^1].Layer}' start a little {(shrinks ? "below" : "above")} " +
            $"the variance-preserving std for their shape (the first, '{first.Layer}': {first.Weights.Std:G3} against {first.LowStd:G3} to " +
            $"{first.HighStd:G3}), and the factors multiply: at the start the signal leaves the last of them about " +
            $"{(shrinks ? 1 / total : total):G2}x {(shrinks ? "smaller" : "larger")} than a variance-preserving start would, more than " +
            $"{t.InitStdFactor}x, so activations and gradients {(shrinks ? "fade" : "blow up")} with depth.",
            [FixCodes.FixInitialization], ("layers", run.Count), ("layers_outside_band", named.Count), ("signal_factor", R(total)),
            ("factor", t.InitStdFactor), ("first_weight_std", R(first.Weights.Std)), ("variance_preserving_low", R(first.LowStd)),
            ("variance_preserving_high", R(first.HighStd)))
            .At(first.Layer, first.Index));
    }
}
