using Nabla.Layers;

namespace Nabla;

public partial class Model
{
    /// <summary>
    /// The model's layers cut into branches, in topological order (every layer after the layers it reads). A branch
    /// is a run of layer calls between fork and merge points: it starts at a call that reads a model input, reads
    /// several tensors (a merge), or reads a tensor that other calls read too (after a fork); otherwise a call
    /// continues the branch of the call it reads. A layer called twice (shared) is in the branch of each call.
    /// A Sequential model is one branch; so is a subclassed one, in the order its layers were tracked, since its
    /// calls are code. Input layers are left out.
    /// </summary>
    internal IReadOnlyList<IReadOnlyList<Layer>> Branches()
    {
        if (graph is null) return PlainChain() is { } chain ? [chain] : [Layers.ToList()];
        var readers = new Dictionary<SymbolicTensor, int>(ReferenceEqualityComparer.Instance);
        foreach (var node in graph.Nodes)
            foreach (var input in node.Inputs)
                readers[input] = readers.GetValueOrDefault(input) + 1;
        var isInput = new HashSet<SymbolicTensor>(graph.Inputs, ReferenceEqualityComparer.Instance);
        var branchOf = new Dictionary<SymbolicTensor, List<Layer>>(ReferenceEqualityComparer.Instance);
        var branches = new List<List<Layer>>();
        foreach (var node in graph.Nodes)
        {
            bool continues = node.Inputs.Count == 1 && !isInput.Contains(node.Inputs[0]) && readers[node.Inputs[0]] == 1
                && branchOf.ContainsKey(node.Inputs[0]);
            var branch = continues ? branchOf[node.Inputs[0]] : [];
            if (!continues) branches.Add(branch);
            branch.Add(node.Layer);
            branchOf[node.Output] = branch;
        }
        return branches;
    }
}
