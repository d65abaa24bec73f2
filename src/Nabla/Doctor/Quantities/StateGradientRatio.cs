namespace Nabla.Doctor;

/// <summary>
/// How much of the loss's gradient reaches the start of a sequence: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ in processing order, the
/// ratio between the first and the last step's state-gradient norms (Bengio, Simard and Frasconi 1994; Pascanu,
/// Mikolov and Bengio 2013). Far below 1, gradients vanish through time; far above, they explode. NaN when the layer
/// carries no state, the norms were not recorded, or the last step got no gradient.
/// </summary>
internal static class StateGradientRatio
{
    public static double Of(IReadOnlyList<float>? norms)
    {
        if (norms is null || norms.Count < 2) return double.NaN;
        double first = norms[0], last = norms[^1];
        return last > 0 && double.IsFinite(last) ? first / last : double.NaN;
    }

    /// <summary>A few norms for evidence, "t=1: 3.1e-09, …, t=100: 0.012": the first step, the last, and evenly
    /// spaced steps between them (t counts from 1 in processing order).</summary>
    public static string Sampled(IReadOnlyList<float> norms, int count = 6)
    {
        var steps = norms.Count <= count ? Enumerable.Range(0, norms.Count)
            : Enumerable.Range(0, count).Select(i => (int)Math.Round(i * (norms.Count - 1) / (double)(count - 1)));
        return string.Join(", ", steps.Select(t => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"t={t + 1}: {norms[t]:G3}")));
    }
}
