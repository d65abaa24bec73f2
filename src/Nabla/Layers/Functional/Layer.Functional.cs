namespace Nabla.Layers;

public abstract partial class Layer
{
    private readonly List<Node> inboundNodes = [];

    /// <summary>The layer's calls on symbolic tensors, in order (Keras's <c>_inbound_nodes</c>).</summary>
    public IReadOnlyList<Node> InboundNodes => inboundNodes;

    /// <summary>
    /// Calls the layer on symbolic tensors, as <c>layer(x)</c> in Keras's functional API: builds the layer for
    /// their shapes (the first call) and returns the symbolic output. Calling a layer again shares its weights.
    /// </summary>
    public SymbolicTensor Apply(params SymbolicTensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0) throw new ArgumentException($"Layer '{Name}' ({ClassName}): Apply needs at least one input.", nameof(inputs));
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"Layer '{Name}': input {i} is null.");
        var outputShape = BuildForInputs(inputs.Select(t => t.Shape).ToArray());
        return AddNode(inputs, new SymbolicTensor(outputShape)).Output;
    }

    internal Node AddNode(SymbolicTensor[] inputs, SymbolicTensor output)
    {
        var node = new Node(this, inputs, output, inboundNodes.Count);
        output.Node = node;
        inboundNodes.Add(node);
        return node;
    }

    /// <summary>Builds the layer for the per-sample shapes of its inputs and returns its output shape. A layer
    /// with one input builds for its shape; layers with several (merge layers) override this.</summary>
    protected internal virtual int[] BuildForInputs(IReadOnlyList<int[]> inputShapes)
    {
        if (inputShapes.Count != 1)
            throw new ArgumentException($"Layer '{Name}' ({ClassName}) takes one input, {inputShapes.Count} were given.");
        Build(inputShapes[0]);
        return OutputShape!;
    }

    /// <summary>Applies the layer to the batches of its inputs; a layer with one input runs <see cref="Call(Tensor, bool)"/>.</summary>
    public virtual Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        if (inputs.Count != 1)
            throw new ArgumentException($"Layer '{Name}' ({ClassName}) takes one input, {inputs.Count} were given.");
        return Call(inputs[0], training);
    }
}
