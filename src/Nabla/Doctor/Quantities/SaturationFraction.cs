namespace Nabla.Doctor;

/// <summary>Share of a sigmoid/tanh layer's pre-activations with |z| above a threshold, where the slope is
/// almost zero (DeepDiagnosis's saturation monitor). NaN for other activations or when z is not kept.</summary>
internal static class SaturationFraction
{
    public static double Of(in LayerObservation o, double threshold)
    {
        if (!o.Activation.IsSaturating || o.PreActivation.IsEmpty) return double.NaN;
        int count = 0;
        float t = (float)threshold;
        foreach (float v in o.PreActivation) if (MathF.Abs(v) > t) count++;
        return (double)count / o.PreActivation.Length;
    }
}
