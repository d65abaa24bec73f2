using Nabla.Autograd.Ops;
using Nabla.Layers;

namespace Nabla.Doctor;

/// <summary>
/// Finds the layers the doctor watches and their observation points. This is the one place that knows how
/// a layer exposes its kernel, fan-in/out and pre-activation.
/// </summary>
internal static class WatchedLayers
{
    public static List<WatchedLayer> Of(Model model)
    {
        var list = new List<WatchedLayer>();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            if (model.Layers[i] is not Dense dense || !dense.IsBuilt) continue;
            var (activation, activatedAt) = AppliedActivation(model, i, dense.Activation);
            int index = i;
            list.Add(new WatchedLayer
            {
                Layer = dense,
                Index = i,
                Kernel = dense.Kernel,
                Bias = dense.Bias,
                FanIn = dense.Kernel.Shape[0],
                FanOut = dense.Kernel.Shape[1],
                Units = dense.Units,
                Activation = activation,
                ActivationLayerIndex = activatedAt,
                PreActivation = activatedAt != index
                    ? step => step.LayerOutputs[index]
                    : step => step.LayerOutputs[index].Creator is DenseOp op ? op.PreActivation : null,
            });
        }
        return list;
    }

    /// <summary>The layer's own activation, or that of an Activation layer right after a linear one.</summary>
    private static (Activations.Activation function, int index) AppliedActivation(Model model, int index, Activations.Activation own)
    {
        if (own.Name == "linear" && index + 1 < model.Layers.Count && model.Layers[index + 1] is Activation next)
            return (next.Function, index + 1);
        return (own, index);
    }
}
