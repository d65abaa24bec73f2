using Nabla.Layers;

namespace Nabla;

/// <summary>
/// The layer calls of a functional model, from its inputs to its outputs, in an order that computes every
/// tensor before it is read. Layers are ordered as Keras orders <c>model.layers</c> (keras/src/ops/function.py,
/// <c>map_graph</c>): by decreasing depth from the outputs, ties in the order a walk back from the outputs meets
/// them, so weights line up with Keras's.
/// </summary>
internal sealed class FunctionalGraph
{
    /// <param name="unusedEnds">Tensors that reach no output but whose layers belong to the model (a loaded
    /// config's dangling branch): kept so that they can be named, never pruned.</param>
    public FunctionalGraph(IReadOnlyList<SymbolicTensor> inputs, IReadOnlyList<SymbolicTensor> outputs,
        IReadOnlyList<SymbolicTensor> unusedEnds, string modelName)
    {
        if (inputs.Count == 0) throw new ArgumentException($"Model '{modelName}' needs at least one input.");
        if (outputs.Count == 0) throw new ArgumentException($"Model '{modelName}' needs at least one output.");
        for (int i = 0; i < inputs.Count; i++)
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"Model '{modelName}': input {i} is null.");
        for (int i = 0; i < outputs.Count; i++)
            if (outputs[i] is null) throw new ArgumentNullException(nameof(outputs), $"Model '{modelName}': output {i} is null.");
        Inputs = inputs.ToArray();
        Outputs = outputs.ToArray();
        var isInput = new HashSet<SymbolicTensor>(Inputs, ReferenceEqualityComparer.Instance);
        if (isInput.Count != Inputs.Length) throw new ArgumentException($"Model '{modelName}' lists an input twice.");

        // Walk back from the ends: each node after the nodes it reads (post-order), layers numbered on first meeting.
        var postOrder = new List<Node>();
        var layerIndex = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
        var finished = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var inProgress = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        foreach (var end in Outputs.Concat(unusedEnds))
            Visit(end, isInput, postOrder, layerIndex, finished, inProgress);

        // Depths as Keras computes them: a node is deeper than every node reading it, a layer as deep as its deepest node.
        var nodeDepth = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var layerDepth = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
        for (int i = postOrder.Count - 1; i >= 0; i--)
        {
            var node = postOrder[i];
            int depth = Math.Max(nodeDepth.GetValueOrDefault(node), layerDepth.GetValueOrDefault(node.Layer));
            layerDepth[node.Layer] = depth;
            nodeDepth[node] = depth;
            if (isInput.Contains(node.Output)) continue;
            foreach (var parent in node.Inputs)
                nodeDepth[parent.Node] = Math.Max(depth + 1, nodeDepth.GetValueOrDefault(parent.Node));
        }
        Layers = layerIndex.Keys.OrderByDescending(l => layerDepth[l]).ThenBy(l => layerIndex[l]).ToArray();
        Nodes = postOrder.Where(n => !isInput.Contains(n.Output))
            .OrderByDescending(n => nodeDepth[n]).ThenBy(n => layerIndex[n.Layer]).ToArray();

        var names = new HashSet<string>();
        foreach (var layer in Layers)
            if (!names.Add(layer.Name))
                throw new ArgumentException(
                    $"Model '{modelName}': the name \"{layer.Name}\" is used by more than one layer; layer names must be unique.");
    }

    private static void Visit(SymbolicTensor tensor, HashSet<SymbolicTensor> isInput, List<Node> postOrder,
        Dictionary<Layer, int> layerIndex, HashSet<Node> finished, HashSet<Node> inProgress)
    {
        // Iterative: a deep model must not overflow the stack.
        var stack = new Stack<(Node node, bool expanded)>();
        stack.Push((tensor.Node, false));
        while (stack.Count > 0)
        {
            var (node, expanded) = stack.Pop();
            if (expanded)
            {
                inProgress.Remove(node);
                if (finished.Add(node)) postOrder.Add(node);
                continue;
            }
            if (finished.Contains(node)) continue;
            if (!inProgress.Add(node))
                throw new ArgumentException($"The layer call {node} is part of a cycle.");
            layerIndex.TryAdd(node.Layer, layerIndex.Count);
            stack.Push((node, true));
            if (isInput.Contains(node.Output)) continue;
            if (node.Inputs.Count == 0)
                throw new ArgumentException(
                    $"Graph disconnected: cannot obtain a value for the tensor of layer '{node.Layer.Name}' ({node.Layer.ClassName}): " +
                    "it is an Input that is not among the model's inputs.");
            for (int i = node.Inputs.Count - 1; i >= 0; i--)
                if (!finished.Contains(node.Inputs[i].Node)) stack.Push((node.Inputs[i].Node, false));
        }
    }

    public SymbolicTensor[] Inputs { get; }

    public SymbolicTensor[] Outputs { get; }

    /// <summary>Every layer, Keras's order (input layers first).</summary>
    public Layer[] Layers { get; }

    /// <summary>The layer calls to run, in order (the model's inputs excluded).</summary>
    public Node[] Nodes { get; }

    /// <summary>Runs the calls on batches, one per input; returns one batch per output. <paramref name="layerOutputs"/>,
    /// when given (aligned with <see cref="Layers"/>), receives each layer's first output (of its first call); <paramref name="activities"/>
    /// each layer's observation points, aligned with <see cref="Layers"/> too: a layer called twice (shared) is observed
    /// at its first call, so that the doctor finds every layer at its own index.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, bool training, Tensor?[]? layerOutputs, List<LayerActivity>? activities)
    {
        var values = new Dictionary<SymbolicTensor, Tensor>(ReferenceEqualityComparer.Instance);
        var observed = activities is null ? null : new Dictionary<Layer, LayerActivity>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Inputs.Length; i++)
        {
            values[Inputs[i]] = inputs[i];
            observed?.TryAdd(Inputs[i].Layer, Inputs[i].Layer.Observe(inputs[i]));
        }
        foreach (var node in Nodes)
        {
            var args = new Tensor[node.Inputs.Count];
            for (int i = 0; i < args.Length; i++) args[i] = values[node.Inputs[i]];
            var outputs = node.Layer.CallAllWithMask(args, Layer.TrainingOf(node.Options, training), node.Options);
            for (int i = 0; i < outputs.Count; i++) values[node.Outputs[i]] = outputs[i];
            if (observed is not null && !observed.ContainsKey(node.Layer)) observed[node.Layer] = node.Layer.Observe(outputs[0]);
        }
        if (observed is not null)
            foreach (var layer in Layers)
                activities!.Add(observed.TryGetValue(layer, out var activity) ? activity
                    : throw new InvalidOperationException($"Layer '{layer.Name}' of the graph was not called."));
        if (layerOutputs is not null)
            for (int i = 0; i < Layers.Length; i++)
                layerOutputs[i] = Layers[i].InboundNodes.Select(n => values.GetValueOrDefault(n.Output)).FirstOrDefault(t => t is not null);
        return Outputs.Select(o => values[o]).ToArray();
    }
}
