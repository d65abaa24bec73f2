using Nabla.Configuration;

namespace Nabla.Losses;

/// <summary>
/// Keras <c>CategoricalCrossentropy</c> (from_logits false, label_smoothing 0, axis −1): −Σ t·log p per
/// sample over one-hot (or probability) targets. Label smoothing s replaces t by t·(1 − s) + s/classes. Predictions
/// straight from a softmax are read as the softmax's logits (<see cref="Loss.LogitsActivation"/>), as Keras's TensorFlow
/// backend does.
/// </summary>
public sealed class CategoricalCrossentropy : SmoothedCrossentropy
{
    public CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0,
        string reduction = SumOverBatchSize, string name = "categorical_crossentropy") : base(fromLogits, labelSmoothing, reduction, name)
    {
    }


    public override string ClassName => "CategoricalCrossentropy";

    public override string? LogitsActivation => "softmax";

    public static CategoricalCrossentropy FromConfig(Config config)
    {
        var (fromLogits, labelSmoothing, reduction, name) = ReadArguments(config, "categorical_crossentropy");
        return new(fromLogits, labelSmoothing, reduction, name);
    }

    protected override void ValidateInputs(Tensor yTrue, Tensor yPred) => RequireSameShape(yTrue, yPred);

    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new DenseTargetsOp(Name, yTrue, yPred, Reduction, FromLogits, LabelSmoothing, LogitsActivation);

    /// <summary>Keras's categorical label smoothing: t·(1 − s) + s/classes, into <paramref name="smoothed"/>.</summary>
    internal static void SmoothCategorical(ReadOnlySpan<float> t, float[] smoothed, double smoothing, int classes)
    {
        double offset = smoothing / classes;
        for (int i = 0; i < t.Length; i++) smoothed[i] = (float)(t[i] * (1.0 - smoothing) + offset);
    }

    private sealed class DenseTargetsOp : CrossEntropyOp
    {
        private readonly float[]? smoothed;
        private readonly double smoothing;

        public DenseTargetsOp(string name, Tensor yTrue, Tensor yPred, string reduction, bool fromLogits, double smoothing,
            string? logitsActivation)
            : base(name, yTrue, yPred, reduction, fromLogits, logitsActivation)
        {
            this.smoothing = smoothing;
            if (smoothing > 0) smoothed = new float[yTrue.Size];
        }

        protected override ReadOnlySpan<float> Targets => smoothed ?? YTrue;

        protected override void PrepareTargets()
        {
            if (smoothed is not null) SmoothCategorical(YTrue, smoothed, smoothing, Width);
        }
    }
}
