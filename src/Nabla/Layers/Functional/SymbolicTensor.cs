namespace Nabla.Layers;

/// <summary>
/// A tensor of the symbolic graph (Keras's <c>KerasTensor</c>): it holds no values, only the per-sample shape
/// and the node of the layer call that produces it. Models built from inputs and outputs replay these nodes.
/// </summary>
public class SymbolicTensor
{
    internal SymbolicTensor(int[] shape)
    {
        Shape = (int[])shape.Clone();
    }

    /// <summary>The per-sample shape (the batch axis excluded).</summary>
    public int[] Shape { get; }

    /// <summary>The layer call that produces this tensor.</summary>
    public Node Node { get; internal set; } = null!;

    /// <summary>This tensor's position among its call's outputs (the tensor index of Keras's <c>keras_history</c>).</summary>
    public int Index { get; internal set; }

    /// <summary>The layer that produces this tensor.</summary>
    public Layer Layer => Node.Layer;

    /// <summary>The producing layer's name: Keras names a model's inputs and outputs after it.</summary>
    public string Name => Node.Layer.Name;

    public override string ToString() => $"<SymbolicTensor shape={Layer.Describe(Shape)}, name={Name}>";
}
