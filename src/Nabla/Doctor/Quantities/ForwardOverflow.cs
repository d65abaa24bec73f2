namespace Nabla.Doctor;

/// <summary>
/// The forward pass overflowing at the initial weights: the first watched layer whose output holds an infinite or NaN
/// value in the run's first step, fed by finite inputs. No update has happened yet, so a smaller or clipped step cannot
/// help; what the forward pass computes has to change. <see cref="Explosive"/> names the layers up to it whose
/// activation grows exponentially (each such layer exponentiates the magnitudes the one before it passes on, so a few of
/// them overflow float32 whatever the initialization). Null when the first step's outputs are all finite.
/// </summary>
internal sealed record ForwardOverflow(LayerSample At, IReadOnlyList<string> Explosive)
{
    /// <summary>Activations whose output grows exponentially with their input.</summary>
    public static readonly IReadOnlySet<string> ExplosiveActivations = new HashSet<string> { "exponential" };

    public static ForwardOverflow? Of(IReadOnlyList<LayerSeries> layers, ModelQuantities model)
    {
        if (layers.Count == 0 || model.Inputs is { } inputs && !double.IsFinite(inputs.Max)) return null;
        long firstStep = layers.Min(l => l.First.Step);
        if (firstStep != 0) return null;
        var explosive = new List<string>();
        foreach (var layer in layers)
        {
            if (layer.Samples.FirstOrDefault(s => s.Step == firstStep) is not { } sample) continue;
            if (ExplosiveActivations.Contains(sample.Activation)) explosive.Add(layer.Name);
            if (!sample.OutputFinite) return new ForwardOverflow(sample, explosive);
        }
        return null;
    }

    /// <summary>The fixes for an overflowing forward pass: magnitudes kept in range by normalization after each layer
    /// (which keeps the user's activations), else the exponential activations replaced, else a smaller start.</summary>
    public IReadOnlyList<string> Fixes =>
        Explosive.Count > 0
            ? [FixCodes.AddBatchNormalization, FixCodes.UseReluHeInit, FixCodes.FixInitialization]
            : [FixCodes.AddBatchNormalization, FixCodes.FixInitialization];

    public string Describe() =>
        $"'{At.Layer}' ({At.Activation}) outputs infinite or NaN values on the first batch, at the initial weights" +
        (Explosive.Count > 0 ? $"; the exponential activation of {string.Join(", ", Explosive.Select(n => $"'{n}'"))} compounds from layer to layer" : "");
}
