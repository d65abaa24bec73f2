using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Initializers;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Embedding</c>: integer indices (stored as floats) [batch, ...] to rows of
/// <c>embeddings</c> [inputDim, outputDim]. Keras's default initializer is "uniform" (RandomUniform in
/// [-0.05, 0.05]; keras/src/layers/core/embedding.py).
/// </summary>
public sealed class Embedding : Layer
{
    public Embedding(int inputDim, int outputDim, string embeddingsInitializer = "uniform", bool maskZero = false,
        int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (inputDim <= 0)
            throw new ArgumentException($"Embedding 'input_dim' must be a positive integer, found {inputDim}.", nameof(inputDim));
        if (outputDim <= 0)
            throw new ArgumentException($"Embedding 'output_dim' must be a positive integer, found {outputDim}.", nameof(outputDim));
        InputDim = inputDim;
        OutputDim = outputDim;
        EmbeddingsInitializer = Initializer.Get(embeddingsInitializer);
        MaskZero = maskZero;
    }

    /// <summary>Keras's <c>mask_zero</c> (default false): index 0 is padding, and the output carries the mask
    /// <c>inputs != 0</c> (keras/src/layers/core/embedding.py, compute_mask), which recurrent layers and losses read.</summary>
    public bool MaskZero { get; }

    public override string ClassName => "Embedding";

    /// <summary>A lookup per index: how many indices a sample has may be unknown.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => true;

    public int InputDim { get; }

    public int OutputDim { get; }

    public Initializer EmbeddingsInitializer { get; init; }

    public Tensor Embeddings => embeddings ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    private Tensor? embeddings;

    public override int[] ComputeOutputShape(int[] inputShape) => [.. inputShape, OutputDim];

    /// <summary>Keras's <c>embeddings_constraint</c>, applied after every optimizer step; null for none.</summary>
    public Constraints.Constraint? EmbeddingsConstraint { get; init; }

    /// <summary>Keras's <c>embeddings_regularizer</c>, a penalty on the whole table; null for none.</summary>
    public Regularizers.Regularizer? EmbeddingsRegularizer { get; init; }

    protected override void BuildWeights(int[] inputShape)
    {
        embeddings = AddWeight("embeddings", [InputDim, OutputDim], EmbeddingsInitializer, regularizer: EmbeddingsRegularizer);
        Constrain(embeddings, EmbeddingsConstraint);
    }

    /// <summary>The table does not depend on how many indices a sample has: sequences of another length run too.</summary>
    private protected override bool RunsOnOtherShape(int[] built, int[] inputShape) => inputShape.Length == built.Length;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        var output = Op.Record(new EmbeddingOp(inputs, Embeddings, Name));
        if (MaskZero) output.KerasMask = ComputeMask(inputs, inputs.KerasMask);
        return output;
    }

    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) =>
        MaskZero ? Tensor.NotEqual(inputs, Tensor.Scalar(0f)) : null;

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["input_dim"] = (long)InputDim;
        config["output_dim"] = (long)OutputDim;
        config["embeddings_initializer"] = Registry<Initializer>.Serialize(EmbeddingsInitializer);
        config["embeddings_regularizer"] = Regularizers.Regularizer.SerializeOrNull(EmbeddingsRegularizer);
        config["activity_regularizer"] = ActivityRegularizerConfig;
        config["embeddings_constraint"] = Constraints.Constraint.SerializeOrNull(EmbeddingsConstraint);
        config["mask_zero"] = MaskZero;
        return config;
    }

    public static Embedding FromConfig(Config config)
    {
        // Keras 3.1x writes quantization_config, null unless the layer is quantized.
        RefuseUnsupported(config, "Embedding", "activity_regularizer", "quantization_config");
        if (config.GetInt("lora_rank", 0) != 0)
            throw new ArgumentException($"Embedding config 'lora_rank' is {config.GetInt("lora_rank")}; only null is supported.");
        var (name, inputShape) = BaseArgs(config);
        // Keras 2 and TF.js write the sequence length as input_length.
        if (inputShape is null && config.TryGet("input_length", out _)) inputShape = [config.GetInt("input_length")];
        return new Embedding(config.GetInt("input_dim"), config.GetInt("output_dim"),
            maskZero: config.GetBool("mask_zero", false), inputShape: inputShape, name: name)
        {
            EmbeddingsInitializer = Initializer.ReadWeightInitializer(config, "embeddings_initializer", "uniform"),
            EmbeddingsConstraint = Constraints.Constraint.Read(config, "embeddings_constraint"),
            EmbeddingsRegularizer = Regularizers.Regularizer.Read(config, "embeddings_regularizer"),
            Trainable = config.GetBool("trainable", true),
        };
    }
}
