using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>
/// An element-wise (or, for softmax, row-wise) activation function with its derivative, as span kernels
/// that a layer can fuse with its own work (Dense adds its bias and applies the activation in one pass),
/// and as a recorded op through <see cref="Apply"/>. Names and defaults follow Keras 3's
/// <c>keras.activations</c>.
/// </summary>
public abstract partial class Activation : IKerasSerializable, IActivationKernel
{
    /// <summary>The Keras identifier, e.g. "relu": what a Dense config writes.</summary>
    public abstract string Name { get; }

    /// <summary>The class-style name also accepted by <see cref="Activation.Get(string?)"/>, e.g. "ReLU".</summary>
    public abstract string ClassName { get; }

    /// <summary>Bounded on both sides with a vanishing slope far from 0 (sigmoid, tanh, hard_sigmoid, softsign):
    /// the training doctor watches these for saturation.</summary>
    public virtual bool IsSaturating => false;

    /// <summary>A rectifier (relu, relu6, leaky_relu, elu, selu): identity for x &gt; 0. The doctor watches these
    /// for dead units (only relu and relu6 have an exactly-zero gradient for every x &lt; 0).</summary>
    public virtual bool IsReluFamily => false;

    /// <summary>f(x) = x (linear): layers that fuse it keep no separate pre-activation.</summary>
    public virtual bool IsIdentity => false;

    /// <summary>Every output lies in [0, 1] (sigmoid, hard_sigmoid, softmax): probabilities a cross-entropy that
    /// expects probabilities can take.</summary>
    public virtual bool OutputsProbabilities => false;

    /// <summary>y = f(x). <paramref name="width"/> is the row length (the last axis); only row-wise activations use it.</summary>
    public abstract void Forward(ReadOnlySpan<float> x, Span<float> y, int width);

    /// <summary>Writes (does not add) dx = f'(x)·dy, given the forward pass's x and y; for softmax the row's
    /// Jacobian-vector product y ⊙ (dy − Σ dy ⊙ y).</summary>
    public abstract void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width);

    /// <summary>Applies the activation to a tensor, recording it for autograd (row-wise along the last axis).</summary>
    public Tensor Apply(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Op.Record(new ActivationOp(this, x));
    }

    /// <summary>The Keras config: empty for parameter-free activations.</summary>
    public virtual Config GetConfig() => new();

    public override string ToString() => Name;
}
