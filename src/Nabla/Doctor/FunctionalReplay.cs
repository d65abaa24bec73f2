using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;

namespace Nabla.Doctor;

/// <summary>
/// A single-input functional model rebuilt call by call from fresh copies of its layers (a shared layer stays shared),
/// with a layer put in front of its input, or layers put after chosen calls. This is how normalize_inputs and
/// add_batch_normalization reach a model with branches, merges or several outputs, where inserting an entry into the
/// list of layer configs would break the links between them. Branches that reach no output are rebuilt too, so the
/// repaired model has every layer of the original.
/// </summary>
internal static class FunctionalReplay
{
    /// <summary>The Keras config of the rebuilt model with <paramref name="first"/> in front of its input; null when the
    /// model is not functional or has several inputs.</summary>
    public static Config? WithFirstLayer(Experiment e, Layer first) => Rebuild(e, first, _ => null);

    /// <summary>The Keras config of the rebuilt model with the layer <paramref name="after"/> gives for a call (from the
    /// original call's layer; null for none) applied to that call's output, which the calls that read it then read
    /// instead; null when the model is not functional or has several inputs.</summary>
    public static Config? WithLayersAfter(Experiment e, Func<Layer, Layer?> after) => Rebuild(e, null, after);

    private static Config? Rebuild(Experiment e, Layer? first, Func<Layer, Layer?> after)
    {
        var model = KerasModelJson.FromConfig(e.Model.DeepClone(), e.Name);
        if (model.Functional is not { Inputs.Length: 1 } graph) return null;
        var original = graph.Inputs[0];
        var input = new Input(original.Shape, original.Name);
        var map = new Dictionary<SymbolicTensor, SymbolicTensor>(ReferenceEqualityComparer.Instance)
        {
            [original] = first is null ? input : first.Apply(input),
        };
        var copies = new Dictionary<Layer, Layer>(ReferenceEqualityComparer.Instance);
        var read = new HashSet<SymbolicTensor>(ReferenceEqualityComparer.Instance);
        foreach (var node in graph.Nodes)
        {
            if (!copies.TryGetValue(node.Layer, out var layer))
                copies[node.Layer] = layer = node.Layer.FreshCopy();
            foreach (var t in node.Inputs) read.Add(t);
            var made = layer.ApplyAll([.. node.Inputs.Select(t => map[t])], node.Options);
            map[node.Output] = after(node.Layer) is { } next ? next.Apply(made[0]) : made[0];
            for (int i = 1; i < made.Count; i++) map[node.Outputs[i]] = made[i];
        }
        var outputs = graph.Outputs.ToHashSet(ReferenceEqualityComparer.Instance);
        var unusedEnds = graph.Nodes.Where(n => !n.Outputs.Any(t => read.Contains(t) || outputs.Contains(t))).Select(n => map[n.Output]);
        var rebuilt = new Model([input], [.. graph.Outputs.Select(o => map[o])], [.. unusedEnds], model.Name);
        return KerasModelJson.ToConfig(rebuilt);
    }
}
