using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla.Doctor;

/// <summary>
/// The prune_unreached_layers repair: a functional config without the layers that reach no output with a loss (a
/// branch that ends in nothing, or in an output compiled without a loss), and without those outputs. Reachability is
/// read from the built model's graph, walking back from each output that has a loss through the calls' inputs.
/// </summary>
internal static class UnreachedBranches
{
    public static (Experiment experiment, string change)? Prune(Experiment e)
    {
        if (e.LayersAreAChain) return null;
        var model = e.BuildModel();
        if (model.Functional is not { } graph) return null;
        var lossOutputs = Enumerable.Range(0, model.OutputCount).Where(i => model.Losses[i] is not null).ToList();
        var reached = Reached(lossOutputs.Select(i => graph.Outputs[i]));
        var inputs = graph.Inputs.Select(i => i.Layer).ToHashSet(ReferenceEqualityComparer.Instance);
        var removed = model.Layers.Where(l => !reached.Contains(l) && !inputs.Contains(l)).Select(l => l.Name).ToHashSet();
        if (removed.Count == 0) return null;

        var copy = e with { Model = e.Model.DeepClone() };
        var layers = copy.LayerConfigs().Where(entry => !removed.Contains(NameOf(entry))).ToList();
        copy.SetLayerConfigs(layers);
        var inner = copy.Model.GetConfig("config")!;
        var droppedOutputs = Enumerable.Range(0, model.OutputCount).Where(i => removed.Contains(model.OutputNames[i])).ToHashSet();
        if (droppedOutputs.Count > 0 && inner.TryGet("output_layers", out var outputs) && outputs is List<object?> outputList)
            inner["output_layers"] = outputList.Where((_, i) => !droppedOutputs.Contains(i)).ToList();
        copy = copy with
        {
            Loss = WithoutOutputs(e.Loss, droppedOutputs),
            LossWeights = e.LossWeights is null ? null : WithoutOutputs(e.LossWeights, droppedOutputs),
        };
        string outputsNote = droppedOutputs.Count == 0 ? ""
            : $"; outputs without a loss removed: {string.Join(", ", droppedOutputs.Select(i => model.OutputNames[i]))}";
        return (copy, $"removed {removed.Count} layer(s) that reach no loss: {string.Join(", ", removed.Order(StringComparer.Ordinal))}{outputsNote}");
    }

    /// <summary>Every layer on a path into <paramref name="ends"/>.</summary>
    private static HashSet<Layer> Reached(IEnumerable<SymbolicTensor> ends)
    {
        var reached = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>(ends.Select(t => t.Node));
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!seen.Add(node)) continue;
            reached.Add(node.Layer);
            foreach (var input in node.Inputs) stack.Push(input.Node);
        }
        return reached;
    }

    /// <summary>A per-output list without the dropped outputs' entries; a single value or a dictionary by name stays.</summary>
    private static object WithoutOutputs(object perOutput, HashSet<int> dropped) =>
        perOutput is List<object?> list && dropped.Count > 0 ? list.Where((_, i) => !dropped.Contains(i)).ToList() : perOutput;

    private static string NameOf(Config entry) =>
        entry.GetString("name", null) ?? entry.GetConfig("config")?.GetString("name", null) ?? "";
}
