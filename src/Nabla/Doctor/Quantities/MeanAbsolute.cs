using System.Numerics.Tensors;

namespace Nabla.Doctor;

/// <summary>Mean |x| of a layer's activated output.</summary>
internal static class MeanAbsolute
{
    public static double Of(ReadOnlySpan<float> values) =>
        values.IsEmpty ? 0 : TensorPrimitives.SumOfMagnitudes(values) / values.Length;
}
