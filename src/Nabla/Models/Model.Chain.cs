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
}
