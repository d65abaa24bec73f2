namespace Nabla.Autograd;

/// <summary>
/// An activation function as the span kernels an op fuses into its own work. Autograd needs only these two
/// passes; the catalogue of named activations, their configs and their properties live above it.
/// </summary>
public interface IActivationKernel
{
    /// <summary>The identifier shown in op names, e.g. "relu".</summary>
    string Name { get; }

    /// <summary>y = f(x). <paramref name="width"/> is the row length (the last axis); only row-wise activations use it.</summary>
    void Forward(ReadOnlySpan<float> x, Span<float> y, int width);

    /// <summary>Writes (does not add) dx = f'(x)·dy, given the forward pass's x and y.</summary>
    void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width);

    /// <summary>f(x) = x: an op that fuses it keeps no separate pre-activation and copies nothing.</summary>
    bool IsIdentity => false;
}

/// <summary>An op whose output is an activation of a pre-activation it keeps (a dense or convolution with a fused
/// activation, or a plain activation). Observers read the pair without knowing the op.</summary>
public interface IActivatedOp
{
    /// <summary>The values before the activation, in the output's shape.</summary>
    Tensor PreActivation { get; }

    IActivationKernel Activation { get; }
}

/// <summary>
/// An activated op whose pre-activation a consumer may read in place of its output and differentiate itself: a
/// crossentropy takes the logits behind a softmax or sigmoid output, as Keras's TensorFlow backend does, so an output
/// saturated past the crossentropy's clip still passes back p − t. The op's backward pass adds what such consumers
/// wrote to f'(z)·dy.
/// </summary>
public interface ILogitsOutput : IActivatedOp
{
    /// <summary>dLoss/dz for consumers of <see cref="IActivatedOp.PreActivation"/> to add into during this backward pass;
    /// zero at its first request after a forward pass.</summary>
    Span<float> PreActivationGradient();
}

/// <summary>An op that carries a state through time (a recurrent op): its backward pass can record ‖∂L/∂h_t‖ at
/// every step, the evidence for gradients vanishing or exploding through time. Observers read it without knowing
/// the op.</summary>
public interface IStateGradientOp
{
    /// <summary>Whether the backward pass records the norms (one dot product per step).</summary>
    bool RecordStateGradientNorms { get; set; }

    /// <summary>‖∂L/∂h_t‖ over the batch per step, in processing order (the last is the step nearest the loss of a
    /// layer returning its last state); null while not recording.</summary>
    float[]? StateGradientNorms { get; }
}

/// <summary>An op whose cell has gates (an LSTM's input, forget and output gates, a GRU's update and reset gates): it
/// keeps each step's gate values after their activation, which observers read without knowing the op.</summary>
public interface IGatedOp
{
    /// <summary>The latest forward pass's values, one row per step and sample, each row <see cref="GateColumns"/> blocks of
    /// <see cref="GateUnits"/> values, a block per gate in the cell's own order.</summary>
    ReadOnlySpan<float> GateValues { get; }

    /// <summary>Blocks per row (4 for an LSTM, 3 for a GRU: its candidate counts as a block).</summary>
    int GateColumns { get; }

    /// <summary>Values per gate and row: the layer's units.</summary>
    int GateUnits { get; }
}

/// <summary>
/// Updates a range of a weight's elements as soon as their gradient is final, during the backward pass. An op
/// split between threads calls it from the thread that computed that range, so the range stays in its cache.
/// </summary>
public interface IEarlyWeightUpdate
{
    /// <summary>Applies this step's update to elements [<paramref name="start"/>, <paramref name="end"/>) of
    /// <paramref name="weight"/>. Threads may update disjoint ranges at once.</summary>
    void UpdateEarly(Tensor weight, int start, int end);
}
