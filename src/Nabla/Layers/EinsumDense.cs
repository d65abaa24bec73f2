using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>EinsumDense</c> (keras/src/layers/core/einsum_dense.py; tf.keras 2's tf_keras/layers/core/einsum_dense.py):
/// outputs = activation(einsum(equation, inputs, kernel) + bias), the kernel's and bias's shapes derived from the
/// equation, <c>output_shape</c> and <c>bias_axes</c> (see <see cref="EinsumEquation"/>). "ab,bc->ac" is a Dense layer;
/// "abc,cde->abde" is MultiHeadAttention's projection.
/// </summary>
public sealed class EinsumDense : KernelLayer
{
    private readonly EinsumEquation parsed;

    /// <param name="equation">"input,kernel->output", e.g. "ab,bc->ac", "...b,bc->...c" or "ab...,bc->ac...".</param>
    /// <param name="outputShape">The output's lengths without the batch axis and the ellipsis' axes;
    /// <see cref="Layer.UnknownDimension"/> (Keras's None) for one the input gives.</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="biasAxes">The output letters the bias varies along; null for no bias (Keras's default).</param>
    public EinsumDense(string equation, int[] outputShape, string? activation = null, string? biasAxes = null,
        string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        string? kernelRegularizer = null, string? biasRegularizer = null, int[]? inputShape = null, string? name = null)
        : this(equation, outputShape, ActivationFunction.Get(activation), biasAxes,
            Initializer.Get(kernelInitializer), Initializer.Get(biasInitializer),
            kernelRegularizer is null ? null : Regularizer.Get(kernelRegularizer),
            biasRegularizer is null ? null : Regularizer.Get(biasRegularizer), inputShape, name)
    {
    }

    public EinsumDense(string equation, int[] outputShape, ActivationFunction activation, string? biasAxes,
        Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape, activation, biasAxes is not null, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer)
    {
        ArgumentNullException.ThrowIfNull(outputShape);
        parsed = new EinsumEquation(equation, outputShape, biasAxes, $"EinsumDense '{Name}'");
        Equation = equation;
        PartialOutputShape = (int[])outputShape.Clone();
        BiasAxes = biasAxes;
    }

    public override string ClassName => "EinsumDense";

    public string Equation { get; }

    /// <summary>Keras's <c>output_shape</c> argument (its <c>partial_output_shape</c>).</summary>
    public int[] PartialOutputShape { get; }

    public string? BiasAxes { get; }

    /// <summary>Axes the kernel and bias do not size (the batch-like and ellipsis axes) may be unknown, as Keras's
    /// None dimensions there.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => parsed.IsFree(axis, rank);

    private protected override bool RunsOnOtherShape(int[] built, int[] inputShape) =>
        inputShape.Length == built.Length
        && Enumerable.Range(0, built.Length).All(axis => built[axis] == inputShape[axis] || parsed.IsFree(axis, built.Length));

    public override int[] ComputeOutputShape(int[] inputShape) => parsed.OutputShape(inputShape);

    protected override void BuildWeights(int[] inputShape)
    {
        // The kernel gets Keras's fans for its shape, those its initializers use (compute_fans), which the doctor reads.
        BuildKernelAndBias(parsed.KernelShape(inputShape), parsed.BiasShape(inputShape));
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        var z = parsed.Apply(inputs, Kernel);
        if (Bias is { } bias) z = Tensor.Add(z, bias);
        return Activation.IsIdentity ? z : Activation.Apply(z);
    }

    /// <summary>Linear output: the pre-activation is the output, as Dense's fused op reports it.</summary>
    public override LayerActivity Observe(Tensor output)
    {
        var activity = base.Observe(output);
        return activity.PreActivation is null ? activity with { PreActivation = output, Activation = Activation } : activity;
    }

    public override Config GetConfig()
    {
        // Keras 3's get_config order: output_shape (always a list), equation, activation, bias_axes, then the weights' keys.
        var config = base.GetConfig();
        config["output_shape"] = PartialOutputShape.Select(d => d == UnknownDimension ? null : (object?)(long)d).ToList();
        config["equation"] = Equation;
        config["activation"] = ActivationFunction.Serialize(Activation);
        config["bias_axes"] = BiasAxes;
        WriteKernelAndBiasConfig(config, KernelInitializer, BiasInitializer, KernelRegularizer, BiasRegularizer, KernelConstraint, BiasConstraint);
        return config;
    }

    public static EinsumDense FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        // Keras 3: LoRA adds trainable low-rank factors to a frozen kernel; quantization_config and
        // gptq_unpacked_column_size belong to a quantized kernel. lora_alpha only scales LoRA's factors, and Keras writes
        // it beside lora_rank.
        RefuseUnsupported(config, "EinsumDense", "lora_rank", "quantization_config", "gptq_unpacked_column_size");
        config.MarkWithoutEffect("lora_alpha");
        var (name, inputShape) = BaseArgs(config);
        // Keras's __init__ takes an int or a list; its get_config writes a list (Keras 3 a tuple, tf.keras 2 a list).
        int[] outputShape = config.TryGet("output_shape", out var shape) && shape is long or double
            ? [config.GetInt("output_shape")]
            : config.GetIntArray("output_shape")
              ?? throw new ArgumentException($"EinsumDense '{name ?? "?"}' config needs 'output_shape' (Keras requires it).");
        return new EinsumDense(
            config.GetString("equation"),
            outputShape,
            ActivationFunction.Deserialize(config.GetValueOr("activation", "linear")),
            config.GetString("bias_axes", null),
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
