using Nabla.Layers;
using Nabla.Serialization;

namespace Nabla.Doctor;

/// <summary>
/// A functional model that is one plain chain (one input, each layer called once on the previous one's output) is the
/// Sequential model of the same layers. The repairs that edit the list of layers (insert a first layer or one after
/// each hidden layer, change the output and drop the Activation layers after it) are written for a Sequential list,
/// where no inbound node has to be relinked; such a functional model is rebuilt as that Sequential model first.
/// </summary>
internal static class ChainAsSequential
{
    public const string Note = " (the functional chain rebuilt as the Sequential model of its layers)";

    /// <summary><paramref name="edit"/> on the Sequential form of a functional chain, its change noting the rebuild; on
    /// <paramref name="e"/> itself when it is Sequential already or has branches (the edit then decides what it can do).</summary>
    public static (Experiment experiment, string change)? Edit(Experiment e, Func<Experiment, (Experiment, string)?> edit)
    {
        if (e.LayersAreAChain || Of(e) is not { } sequential) return edit(e);
        return edit(sequential) is var (changed, change) ? (changed, change + Note) : null;
    }

    /// <summary>The Sequential experiment equal to a functional chain; null when the model has branches, several inputs
    /// or outputs, or is Sequential already.</summary>
    internal static Experiment? Of(Experiment e)
    {
        if (e.LayersAreAChain) return null;
        var model = KerasModelJson.FromConfig(e.Model.DeepClone(), e.Name);
        if (model.PlainChain() is not { Count: > 0 } chain || model.InputShape is not { } shape) return null;
        var layers = new List<Layer> { new InputLayer(shape, model.InputNames[0]) };
        layers.AddRange(chain.Select(l => l.FreshCopy()));
        return e with { Model = KerasModelJson.ToConfig(new Sequential(layers, model.Name)) };
    }
}
