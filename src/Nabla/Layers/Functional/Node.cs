namespace Nabla.Layers;

/// <summary>One call of a layer on symbolic tensors (Keras's <c>Node</c>): the tensors it read and the ones it made
/// (one for most layers). A layer called twice has two nodes and one set of weights.</summary>
public sealed class Node
{
    internal Node(Layer layer, SymbolicTensor[] inputs, SymbolicTensor[] outputs, int index, Configuration.Config? options = null)
    {
        Layer = layer;
        Inputs = inputs;
        Outputs = outputs;
        Index = index;
        Options = options ?? [];
    }

    public Layer Layer { get; }

    public IReadOnlyList<SymbolicTensor> Inputs { get; }

    /// <summary>Every tensor the call made, in Keras's order (the tensor index of <c>keras_history</c>).</summary>
    public IReadOnlyList<SymbolicTensor> Outputs { get; }

    /// <summary>The call's first tensor: its only one, or a recurrent layer's output before its states.</summary>
    public SymbolicTensor Output => Outputs[0];

    /// <summary>The call's keyword options that are not tensors (MultiHeadAttention's use_causal_mask), by Keras's names;
    /// empty for most calls.</summary>
    public Configuration.Config Options { get; }

    /// <summary>This node's position among the layer's calls (Keras's node index in <c>keras_history</c>).</summary>
    public int Index { get; }

    public override string ToString() => $"{Layer.Name}[{Index}]";
}
