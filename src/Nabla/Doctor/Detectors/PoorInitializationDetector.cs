using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Initial kernels whose variance is outside DeepDiagnosis's band (a warning even when the run learned), or
/// whose std is far outside what any of Keras's variance-scaling initializers gives a kernel of this shape (info when
/// the run learned: an N(0, 1) start that trains is an observation). In a plain chain, also a run of ReLU layers each a
/// little outside the band whose factors multiply past the same limit: He et al. (2015) show that the signal's std is
/// scaled by every layer's factor in turn, so eleven layers at a third of the band leave a millionth of the signal.</summary>
internal sealed class PoorInitializationDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        foreach (var k in q.Model.InitialKernels)
        {
            double variance = k.Weights.Variance, std = k.Weights.Std;
            string[] fixes = k.Saturating ? [FixCodes.FixInitialization, FixCodes.UseReluHeInit] : [FixCodes.FixInitialization];
            var evidence = new (string, object)[]
            {
                ("weight_std", R(std)), ("expected_std", R(k.PreferredStd)), ("variance_preserving_low", R(k.LowStd)),
                ("variance_preserving_high", R(k.HighStd)), ("weight_variance", R(variance)),
                ("min_variance", t.MinWeightVariance), ("max_variance", t.MaxWeightVariance), ("fan_in", k.FanIn), ("fan_out", k.FanOut),
            };
            if (variance < t.MinWeightVariance || variance > t.MaxWeightVariance)
                yield return new(Make(FindingCodes.PoorInitialization, Severity.Error,
                    variance == 0
                        ? $"Every weight of '{k.Layer}' starts with the same value, so all its units compute the same thing and receive the same update: they can never become different."
                        : $"The weights of '{k.Layer}' start with variance {variance:G3}, outside [{t.MinWeightVariance:G1}, {t.MaxWeightVariance:G2}]: signals shrink or blow up as they pass through the layer.",
                    fixes, evidence).At(k.Layer, k.Index), Floor: Severity.Warning);
            else if (std > k.HighStd * t.InitStdFactor || std < k.LowStd / t.InitStdFactor)
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

    /// <summary>How far each kernel's std lies outside the variance-preserving band (1 inside it), multiplied along the run.
    /// A run in which some single kernel is already flagged on its own is left to that finding.</summary>
    private static Detection? ChainDetection(List<InitialKernel> run, DoctorThresholds t)
    {
        double logFactor = 0;
        foreach (var k in run)
        {
            double std = k.Weights.Std;
            if (!(std > 0) || std > k.HighStd * t.InitStdFactor || std < k.LowStd / t.InitStdFactor) return null;
            logFactor += std < k.LowStd ? Math.Log(std / k.LowStd) : std > k.HighStd ? Math.Log(std / k.HighStd) : 0;
        }
        double factor = Math.Exp(logFactor);
        if (factor >= 1 / t.InitStdFactor && factor <= t.InitStdFactor) return null;
        var first = run[0];
        bool shrinks = factor < 1;
        return new(Make(FindingCodes.PoorInitialization, Severity.Error,
            $"The {run.Count} ReLU layers from '{first.Layer}' to '{run[^1].Layer}' each start a little {(shrinks ? "below" : "above")} the " +
            $"variance-preserving std for their shape, and the factors multiply: at the start the signal leaves the last of them about " +
            $"{(shrinks ? 1 / factor : factor):G2}x {(shrinks ? "smaller" : "larger")} than a variance-preserving start would, more than " +
            $"{t.InitStdFactor}x, so {(shrinks ? "activations and gradients fade" : "activations and gradients blow up")} with depth.",
            [FixCodes.FixInitialization], ("layers", run.Count), ("signal_factor", R(factor)), ("factor", t.InitStdFactor),
            ("first_weight_std", R(first.Weights.Std)), ("variance_preserving_low", R(first.LowStd)), ("variance_preserving_high", R(first.HighStd)))
            .At(first.Layer, first.Index));
    }
}
