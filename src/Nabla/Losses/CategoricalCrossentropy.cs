using Nabla.Serialization;

namespace Nabla.Losses;

/// <summary>
/// Keras <c>CategoricalCrossentropy</c> (from_logits false, label_smoothing 0, axis −1): −Σ t·log p per
/// sample over one-hot (or probability) targets. Label smoothing s replaces t by t·(1 − s) + s/classes.
/// </summary>
public sealed class CategoricalCrossentropy : Loss
{
    public CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0,
        string reduction = SumOverBatchSize, string name = "categorical_crossentropy") : base(name, reduction)
    {
        FromLogits = fromLogits;
        LabelSmoothing = ValidateSmoothing(labelSmoothing);
    }

    public bool FromLogits { get; }
    public double LabelSmoothing { get; }

    public override string ClassName => "CategoricalCrossentropy";
    public override bool ExpectsProbabilities => !FromLogits;
    public override bool IsCrossEntropy => true;

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = FromLogits;
        config["label_smoothing"] = LabelSmoothing;
        config["axis"] = -1;
        return config;
    }

    public static CategoricalCrossentropy FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "categorical_crossentropy");
        RequireLastAxis(config, "categorical_crossentropy");
        return new(config.GetBool("from_logits", false), config.GetDouble("label_smoothing", 0.0), reduction, name);
    }

    protected override void ValidateInputs(Tensor yTrue, Tensor yPred) => RequireSameShape(yTrue, yPred);

    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new DenseTargetsOp(Name, yTrue, yPred, Reduction, FromLogits, LabelSmoothing);

    internal static double ValidateSmoothing(double labelSmoothing) =>
        labelSmoothing is >= 0 and <= 1 ? labelSmoothing
            : throw new ArgumentException($"label_smoothing must be in [0, 1]; got {labelSmoothing}.", nameof(labelSmoothing));

    private sealed class DenseTargetsOp : CrossEntropyOp
    {
        private readonly float[]? smoothed;
        private readonly double smoothing;

        public DenseTargetsOp(string name, Tensor yTrue, Tensor yPred, string reduction, bool fromLogits, double smoothing)
            : base(name, yTrue, yPred, reduction, fromLogits)
        {
            this.smoothing = smoothing;
            if (smoothing > 0) smoothed = new float[yTrue.Size];
        }

        protected override ReadOnlySpan<float> Targets => smoothed ?? YTrue;

        protected override void PrepareTargets()
        {
            if (smoothed is null) return;
            ReadOnlySpan<float> t = YTrue;
            double offset = smoothing / Width;
            for (int i = 0; i < t.Length; i++) smoothed[i] = (float)(t[i] * (1.0 - smoothing) + offset);
        }
    }
}
