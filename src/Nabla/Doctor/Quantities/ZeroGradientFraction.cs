namespace Nabla.Doctor;

/// <summary>Share of the kernel's gradient entries that are exactly 0: AUTOTRAINER's dying-ReLU ratio
/// (its gamma counts zero gradient entries, not dead units). NaN when the kernel got no gradient.</summary>
internal static class ZeroGradientFraction
{
    public static double Of(in LayerObservation o)
    {
        if (o.GradientMissing || o.Gradient.IsEmpty) return double.NaN;
        int zeros = 0;
        foreach (float g in o.Gradient) if (g == 0) zeros++;
        return (double)zeros / o.Gradient.Length;
    }
}
