namespace Nabla.Layers;

/// <summary>
/// Keras's <c>keras.Input(shape=..., name=...)</c>: the symbolic tensor a functional model starts from,
/// produced by its own <see cref="InputLayer"/>.
/// </summary>
public sealed class Input : SymbolicTensor
{
    /// <param name="shape">The per-sample shape, without the batch axis (Keras's <c>shape</c>); <see cref="Layer.UnknownDimension"/>
    /// (−1) is Keras's None, an axis whose length comes with the data (a sequence's).</param>
    /// <param name="name">The input's name (its InputLayer's); Fit and Predict accept data keyed by it.</param>
    /// <param name="batchSize">Keras's <c>batch_size</c>: a fixed batch size, which a stateful recurrent layer needs; null
    /// leaves it open.</param>
    public Input(int[] shape, string? name = null, int? batchSize = null) : base(CheckShape(shape))
    {
        var layer = new InputLayer(shape, name ?? LayerNames.Unique("input_layer")) { DeclaredBatchSize = batchSize };
        layer.Build(shape);
        Node = layer.AddNode([], this);
    }

    /// <summary>The tensor of an existing input layer (a loaded config's).</summary>
    internal Input(InputLayer layer) : base(layer.DeclaredInputShape!)
    {
        layer.Build(layer.DeclaredInputShape!);
        Node = layer.AddNode([], this);
    }

    private static int[] CheckShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape)
            if (d <= 0 && d != Layer.UnknownDimension)
                throw new ArgumentException(
                    $"Input 'shape' {Tensor.ShapeString(shape)} must have positive dimensions ({Layer.UnknownDimension} for Keras's None, " +
                    "a length known only when data arrives).", nameof(shape));
        return shape;
    }
}
