using Nabla.Configuration;

namespace Nabla.Losses;

/// <summary>
/// Keras <c>SparseCategoricalCrossentropy</c> (from_logits false): categorical crossentropy against integer
/// class labels given as floats, shape [B] or [B, 1] for predictions [B, classes]. A label that is not an
/// integer in [0, classes) throws, naming the label, its index and the valid range. Predictions straight from a softmax
/// are read as the softmax's logits (<see cref="Loss.LogitsActivation"/>), as Keras's TensorFlow backend does.
/// </summary>
public sealed class SparseCategoricalCrossentropy(bool fromLogits = false,
    string reduction = Loss.SumOverBatchSize, string name = "sparse_categorical_crossentropy") : Loss(name, reduction)
{
    public bool FromLogits { get; } = fromLogits;

    public override string ClassName => "SparseCategoricalCrossentropy";
    public override bool ExpectsProbabilities => !FromLogits;
    public override bool IsCrossEntropy => true;
    public override bool ExpectsIntegerLabels => true;
    public override string? LogitsActivation => "softmax";

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = FromLogits;
        config["ignore_class"] = null;
        return config;
    }

    public static SparseCategoricalCrossentropy FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "sparse_categorical_crossentropy");
        RequireLastAxis(config, "sparse_categorical_crossentropy");
        if (config.TryGet("ignore_class", out var ignored))
            throw new ArgumentException(
                $"sparse_categorical_crossentropy: ignore_class is not supported; config has {Config.Describe(ignored)}.");
        return new(config.GetBool("from_logits", false), reduction, name);
    }

    protected override void ValidateInputs(Tensor yTrue, Tensor yPred)
    {
        int[] t = yTrue.Shape, p = yPred.Shape;
        bool matches = p.Length >= 1 && (
            t.AsSpan().SequenceEqual(p.AsSpan(0, p.Length - 1)) ||
            (t.Length == p.Length && t[^1] == 1 && t.AsSpan(0, t.Length - 1).SequenceEqual(p.AsSpan(0, p.Length - 1))));
        if (!matches)
            throw new ArgumentException(
                $"{Name}: yTrue shape {Tensor.ShapeString(t)} does not fit yPred shape {Tensor.ShapeString(p)}: " +
                "labels must have yPred's shape without its class axis, or with a class axis of size 1.");
        CheckLabels(yTrue.Data, p[^1]);
    }

    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) => new LabelTargetsOp(Name, yTrue, yPred, Reduction, FromLogits, LogitsActivation);

    /// <summary>Throws unless every label is an integer in [0, classes).</summary>
    internal static void CheckLabels(ReadOnlySpan<float> labels, int classes)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            float label = labels[i];
            if (!(label >= 0 && label < classes && label == MathF.Floor(label)))
                throw new ArgumentException(
                    $"sparse_categorical_crossentropy: label {label} at index {i} is not a valid class; " +
                    $"labels must be integers in [0, {classes - 1}] for {classes} classes.");
        }
    }

    /// <summary>Builds one-hot rows from the labels into a buffer allocated once.</summary>
    private sealed class LabelTargetsOp(string name, Tensor yTrue, Tensor yPred, string reduction, bool fromLogits,
        string? logitsActivation) : CrossEntropyOp(name, yTrue, yPred, reduction, fromLogits, logitsActivation)
    {
        private readonly float[] oneHot = new float[yPred.Size];

        protected override ReadOnlySpan<float> Targets => oneHot;

        protected override void PrepareTargets()
        {
            ReadOnlySpan<float> labels = YTrue;
            CheckLabels(labels, Width);
            Array.Clear(oneHot);
            for (int r = 0; r < labels.Length; r++) oneHot[r * Width + (int)labels[r]] = 1f;
        }
    }
}
