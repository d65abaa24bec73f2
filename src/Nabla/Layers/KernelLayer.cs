using Nabla.Initializers;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// What Keras's kernel-and-bias layers share (Dense, EinsumDense, the convolutions and the transposed convolutions):
/// outputs = activation(op(inputs, kernel) + bias), the kernel and the optional bias made with their initializers,
/// regularizers and constraints under Keras's names and fans.
/// </summary>
public abstract class KernelLayer : Layer
{
    private Tensor? kernel, bias;

    private protected KernelLayer(string? name, int[]? inputShape, ActivationFunction activation, bool useBias,
        Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer, Regularizer? biasRegularizer)
        : base(name, inputShape)
    {
        Activation = activation;
        UseBias = useBias;
        KernelInitializer = kernelInitializer;
        BiasInitializer = biasInitializer;
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
    }

    /// <summary>The activation; settable so that a repair can swap it before training.</summary>
    public ActivationFunction Activation { get; set; }

    public bool UseBias { get; }

    public Initializer KernelInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? KernelRegularizer { get; }

    public Regularizer? BiasRegularizer { get; }

    /// <summary>Keras's <c>kernel_constraint</c>, applied after every optimizer step; null for none.</summary>
    public Constraints.Constraint? KernelConstraint { get; init; }

    /// <summary>Keras's <c>bias_constraint</c>; null for none.</summary>
    public Constraints.Constraint? BiasConstraint { get; init; }

    /// <summary>The kernel, in Keras's layout: [in, units] (Dense), [kernel..., in, filters] (convolutions),
    /// [kernel..., filters, in] (transposed convolutions), the equation's (EinsumDense).</summary>
    public Tensor Kernel => kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public Tensor? Bias => bias;

    /// <summary>Makes the kernel ("kernel", with Keras's fans for the doctor) and, given a shape, the bias ("bias").</summary>
    private protected void BuildKernelAndBias(int[] kernelShape, int[]? biasShape)
    {
        kernel = AddKernel("kernel", kernelShape, KernelInitializer, KernelRegularizer);
        Constrain(kernel, KernelConstraint);
        if (biasShape is not null) Constrain(bias = AddWeight("bias", biasShape, BiasInitializer, regularizer: BiasRegularizer), BiasConstraint);
    }
}
