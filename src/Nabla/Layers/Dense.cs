using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Initializers;
using Nabla.Regularizers;
using Nabla.Configuration;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>Keras's <c>Dense</c>: outputs = activation(inputs·kernel + bias), kernel [in, units].</summary>
public sealed class Dense : KernelLayer
{
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="kernelInitializer">Keras's default is glorot_uniform.</param>
    /// <param name="biasInitializer">Keras's default is zeros.</param>
    public Dense(int units, string? activation = null, bool useBias = true,
        string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        string? kernelRegularizer = null, string? biasRegularizer = null,
        int[]? inputShape = null, string? name = null)
        : this(units, ActivationFunction.Get(activation), useBias,
            Initializer.Get(kernelInitializer), Initializer.Get(biasInitializer),
            kernelRegularizer is null ? null : Regularizer.Get(kernelRegularizer),
            biasRegularizer is null ? null : Regularizer.Get(biasRegularizer), inputShape, name)
    {
    }

    public Dense(int units, ActivationFunction activation, bool useBias, Initializer kernelInitializer,
        Initializer biasInitializer, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        int[]? inputShape = null, string? name = null)
        : base(name, inputShape, activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer)
    {
        if (units <= 0)
            throw new ArgumentException($"Dense 'units' must be a positive integer, found {units}.", nameof(units));
        Units = units;
    }

    public override string ClassName => "Dense";

    /// <summary>The kernel reads the last axis only; the leading ones may be unknown (a sequence's length).</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => axis < rank - 1;

    /// <summary>Passes a timestep mask through, as Keras (supports_masking).</summary>
    public override bool SupportsMasking => true;

    public int Units { get; }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length == 0)
            throw new ArgumentException($"Layer '{Name}' (Dense) needs inputs with at least one feature axis.");
        return [.. inputShape[..^1], Units];
    }

    protected override void BuildWeights(int[] inputShape)
    {
        BuildKernelAndBias([inputShape[^1], Units], UseBias ? [Units] : null);
    }

    /// <summary>The kernel reads the last axis only, so the leading axes may differ between calls (Keras's input_spec
    /// fixes the last axis alone: a head shared by a decoder run on whole sequences and one step at a time).</summary>
    private protected override bool RunsOnOtherShape(int[] built, int[] inputShape) =>
        inputShape.Length == built.Length && inputShape[^1] == built[^1];

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Op.Record(new DenseOp(inputs, Kernel, Bias, Activation));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["units"] = (long)Units;
        config["activation"] = ActivationFunction.Serialize(Activation);
        config["use_bias"] = UseBias;
        WriteKernelAndBiasConfig(config, KernelInitializer, BiasInitializer, KernelRegularizer, BiasRegularizer, KernelConstraint, BiasConstraint);
        return config;
    }

    public static Dense FromConfig(Config config)
    {
        // Keras 3's LoRA freezes the kernel and trains two low-rank factors beside it.
        // Keras 3.1x writes quantization_config, null unless the layer is quantized (int8, float8...).
        RefuseUnsupported(config, "Dense", "lora_rank", "quantization_config");
        var (name, inputShape) = BaseArgs(config);
        return new Dense(
            config.GetInt("units"),
            ActivationFunction.Deserialize(config.GetValueOr("activation", "linear")),
            config.GetTruthy("use_bias", true),
            Initializer.Registry.Deserialize(config.GetValueOr("kernel_initializer", "glorot_uniform")),
            Initializer.ReadWeightInitializer(config, "bias_initializer", "zeros"),
            Regularizer.Read(config, "kernel_regularizer"),
            Regularizer.Read(config, "bias_regularizer"),
            inputShape, name)
        {
            Trainable = config.GetBool("trainable", true),
            KernelConstraint = Constraints.Constraint.Read(config, "kernel_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
        };
    }
}
