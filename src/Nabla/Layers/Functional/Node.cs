namespace Nabla.Layers;

/// <summary>One call of a layer on symbolic tensors (Keras's <c>Node</c>): the tensors it read and the one it made.
/// A layer called twice has two nodes and one set of weights.</summary>
public sealed class Node
{
    internal Node(Layer layer, SymbolicTensor[] inputs, SymbolicTensor output, int index)
    {
        Layer = layer;
        Inputs = inputs;
        Output = output;
        Index = index;
    }

    public Layer Layer { get; }

    public IReadOnlyList<SymbolicTensor> Inputs { get; }

    public SymbolicTensor Output { get; }

    /// <summary>This node's position among the layer's calls (Keras's node index in <c>keras_history</c>).</summary>
    public int Index { get; }

    public override string ToString() => $"{Layer.Name}[{Index}]";
}
