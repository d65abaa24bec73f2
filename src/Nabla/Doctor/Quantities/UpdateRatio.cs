using System.Numerics.Tensors;

namespace Nabla.Doctor;

/// <summary>‖Δw‖/‖w‖ over one step (Cockpit's UpdateSize relative to the weights; DeepDiagnosis's learning-rate
/// band reads it). NaN for an all-zero kernel.</summary>
internal static class UpdateRatio
{
    public static double Of(in LayerObservation o)
    {
        double weightNorm = TensorPrimitives.Norm(o.Kernel);
        return weightNorm > 0 ? TensorPrimitives.Distance(o.Kernel, o.KernelBefore) / weightNorm : double.NaN;
    }
}
