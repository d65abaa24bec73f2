using Nabla.Layers;
using Nabla.Serialization;

namespace Nabla.Doctor;

/// <summary>
/// The add_skip_connections repair: a plain stack rebuilt as a functional model with identity shortcuts (He et al.
/// 2016, "Deep residual learning"): after every two kernel layers, the block's input is added to its output where
/// the two have the same shape. Each layer is rebuilt from its own config, so activations, initializers and
/// regularizers stay as they were; only <c>Add</c> layers are new. Where a layer changes the shape (a first Dense
/// from the input width, a Flatten, a pooling) a block starts after it; the output layer and what follows it stay
/// plain. The model is read only through the layer contract: its chain of calls, each layer's kernels and output shape.
/// </summary>
internal static class SkipConnections
{
    /// <summary>Kernel layers per residual block (the basic block of He et al. 2016 holds two).</summary>
    public const int LayersPerBlock = 2;

    /// <summary>The experiment with the residual model; null when the model is not a plain chain or no shortcut fits.</summary>
    public static (Experiment experiment, string change)? Apply(Experiment e)
    {
        var model = KerasModelJson.FromConfig(e.Model.DeepClone(), e.Name);
        if (model.PlainChain() is not { Count: > 0 } chain) return null;
        var (residual, added) = Rebuild(model, chain, model.InputShape ?? e.X.Shape[1..]);
        if (added.Count == 0) return null;
        var config = KerasModelJson.ToConfig(residual);
        return (e with { Model = config },
            $"{added.Count} identity shortcut(s), an Add every {LayersPerBlock} kernel layers ({string.Join(", ", added)}); {model.ClassName} -> Functional");
    }

    /// <summary>The residual model over fresh copies of <paramref name="chain"/>'s layers, and each shortcut as "from + to".</summary>
    internal static (Model model, List<string> added) Rebuild(Model plain, IReadOnlyList<Layer> chain, int[] inputShape)
    {
        int output = LastKernelLayer(chain);
        var names = new HashSet<string>(chain.Select(l => l.Name)) { plain.InputNames[0] };
        var input = new Input(inputShape, name: plain.InputNames[0]);
        SymbolicTensor current = input, blockStart = input;
        int kernelsInBlock = 0;
        var added = new List<string>();
        for (int i = 0; i < chain.Count; i++)
        {
            var layer = chain[i].FreshCopy();
            var before = current;
            current = layer.Apply(current);
            if (i >= output) continue;
            if (!Tensor.SameShape(before.Shape, current.Shape))
            {
                // The shape changed here: no shortcut can span this layer, so a block starts after it.
                (blockStart, kernelsInBlock) = (current, 0);
                continue;
            }
            if (layer.Kernels.Count == 0 || ++kernelsInBlock < LayersPerBlock) continue;
            string name = UniqueName(names, "shortcut_add");
            added.Add($"{blockStart.Name} + {current.Name}");
            current = new Add(name).Apply(blockStart, current);
            (blockStart, kernelsInBlock) = (current, 0);
        }
        return (new Model(input, current, name: plain.Name), added);
    }

    /// <summary>The output layer: the last layer with a kernel (-1 when none has one).</summary>
    private static int LastKernelLayer(IReadOnlyList<Layer> chain)
    {
        for (int i = chain.Count - 1; i >= 0; i--)
            if (chain[i].Kernels.Count > 0) return i;
        return -1;
    }

    private static string UniqueName(HashSet<string> names, string stem)
    {
        for (int k = 1; ; k++)
            if (names.Add($"{stem}_{k}")) return $"{stem}_{k}";
    }
}
