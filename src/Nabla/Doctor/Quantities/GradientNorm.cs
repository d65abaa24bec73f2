using System.Numerics.Tensors;

namespace Nabla.Doctor;

/// <summary>‖∂loss/∂kernel‖₂ (Cockpit's GradNorm); NaN when the kernel got no gradient.</summary>
internal static class GradientNorm
{
    public static double Of(in LayerObservation o) =>
        o.GradientMissing ? double.NaN : TensorPrimitives.Norm(o.Gradient);
}
