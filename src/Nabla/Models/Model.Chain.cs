using Nabla.Layers;

namespace Nabla;

public partial class Model
{
    /// <summary>
    /// The layers in call order when the model is one plain chain: one input, one output, and every layer called
    /// once on the output of the call before it (no merge, no fork, no shared layer, no dangling branch). Null
    /// otherwise, and for a subclassed model, whose calls are code. The doctor reads it to know where identity
    /// shortcuts could go.
    /// </summary>
    internal virtual IReadOnlyList<Layer>? PlainChain()
    {
        if (graph is null || graph.Inputs.Length != 1 || graph.Outputs.Length != 1) return null;
        var chain = new List<Layer>(graph.Nodes.Length);
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        SymbolicTensor current = graph.Inputs[0];
        foreach (var node in graph.Nodes)
        {
            if (node.Inputs.Count != 1 || !ReferenceEquals(node.Inputs[0], current) || !seen.Add(node.Layer)) return null;
            chain.Add(node.Layer);
            current = node.Output;
        }
        return ReferenceEquals(current, graph.Outputs[0]) ? chain : null;
    }

    /// <summary>
    /// The layers that make the model's one output, back along calls on a single tensor: the output layer first, then
    /// the layer whose output it was called on, and so on, ending at a call on several tensors (a merge) or at a model
    /// input. Null for a model without a functional graph, with several outputs, or when a layer on the way is called
    /// more than once (a change to it would change its other calls too). The doctor reads it to find the output's kernel
    /// layer and the Activation layers after it.
    /// </summary>
    internal IReadOnlyList<Layer>? OutputPath()
    {
        if (graph is null || graph.Outputs.Length != 1) return null;
        var inputs = new HashSet<SymbolicTensor>(graph.Inputs, ReferenceEqualityComparer.Instance);
        var path = new List<Layer>();
        for (var tensor = graph.Outputs[0]; !inputs.Contains(tensor); tensor = tensor.Node.Inputs[0])
        {
            var node = tensor.Node;
            if (graph.Nodes.Count(n => ReferenceEquals(n.Layer, node.Layer)) > 1) return null;
            path.Add(node.Layer);
            if (node.Inputs.Count != 1) break;
        }
        return path;
    }
}
