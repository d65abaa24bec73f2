namespace Nabla.Doctor;

/// <summary>Share of a sigmoid/tanh layer's pre-activations with |z| above a threshold, where the slope is
/// almost zero (DeepDiagnosis's saturation monitor). NaN for other activations or when z is not kept.</summary>
/// <remarks>
/// A unit is a feature (last axis) and each row (a sample, or a sample's position in a feature map) one of its
/// responses. Responses to a constant receptive field are left out: a convolution over an image's blank background
/// or its zero padding gives one bit-identical value at every such position, which says nothing about how the unit
/// responds to the content (on MNIST about half the positions of a 3×3 convolution see only background, so raw
/// pixels that saturate every response to a stroke would count as 42% saturated). A value repeated exactly in at
/// least <see cref="DoctorThresholds.ConstantResponseShare"/> of a unit's rows is such a response: sums of products of
/// real-valued inputs and weights do not repeat otherwise. A Dense unit's rows are samples, which do not repeat, so nothing is left out there.
/// When every response of the layer is constant, all are counted.
/// </remarks>
internal static class SaturationFraction
{
    /// <param name="scratch">Room for one unit's rows (the pre-activation's length / units), reused between calls.</param>
    public static double Of(in LayerObservation o, double threshold, double constantShare, Span<float> scratch)
    {
        if (!o.Activation.IsSaturating || o.PreActivation.IsEmpty || o.Units == 0) return double.NaN;
        var z = o.PreActivation;
        int units = o.Units, rows = z.Length / units;
        if (scratch.Length < rows) throw new ArgumentException($"The scratch buffer holds {scratch.Length} values; {rows} are needed.", nameof(scratch));
        int minimumRun = Math.Max(2, (int)Math.Ceiling(constantShare * rows));
        float t = (float)threshold;
        long counted = 0, saturated = 0;
        for (int u = 0; u < units; u++)
        {
            var column = scratch[..rows];
            for (int r = 0; r < rows; r++) column[r] = z[r * units + u];
            column.Sort();
            for (int start = 0; start < rows;)
            {
                int end = start + 1;
                while (end < rows && column[end] == column[start]) end++;
                int run = end - start;
                if (run < minimumRun)
                {
                    counted += run;
                    if (MathF.Abs(column[start]) > t) saturated += run;
                }
                start = end;
            }
        }
        if (counted > 0) return (double)saturated / counted;
        int all = 0;
        foreach (float v in z) if (MathF.Abs(v) > t) all++;
        return (double)all / z.Length;
    }
}
