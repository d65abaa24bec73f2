using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Initial kernels whose variance is outside DeepDiagnosis's band (a warning even when the run learned), or
/// whose std is far outside what any of Keras's variance-scaling initializers gives a kernel of this shape (info when
/// the run learned: an N(0, 1) start that trains is an observation).</summary>
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
    }
}
