using Nabla.Configuration;

namespace Nabla.Losses;

/// <summary>
/// −(t·log p + (1 − t)·log(1 − p)) with p clipped to [1e-7, 1 − 1e-7]; from logits z it is the stable
/// max(z, 0) − z·t + log(1 + e^(−|z|)). Label smoothing s first moves t to t·(1 − s) + s/2.
/// </summary>
internal readonly struct BinaryCrossentropyTerm(bool fromLogits, double labelSmoothing) : IElementwiseLoss
{
    public void Prepare(ReadOnlySpan<float> yTrue) { }

    /// <summary>The target after label smoothing (binary focal crossentropy's focal factor reads it too).</summary>
    public double Smooth(float t) => t * (1.0 - labelSmoothing) + 0.5 * labelSmoothing;

    public double Value(float t, float p)
    {
        double target = Smooth(t);
        if (fromLogits) return Math.Max(p, 0.0) - p * target + Math.Log(1.0 + Math.Exp(-Math.Abs((double)p)));
        double clipped = Math.Clamp(p, Loss.Epsilon, 1f - Loss.Epsilon);
        return -(target * Math.Log(clipped) + (1.0 - target) * Math.Log(1.0 - clipped));
    }

    public double Derivative(float t, float p)
    {
        double target = Smooth(t);
        if (fromLogits) return 1.0 / (1.0 + Math.Exp(-(double)p)) - target;
        if (p < Loss.Epsilon || p > 1f - Loss.Epsilon) return 0.0;
        return -target / p + (1.0 - target) / (1.0 - p);
    }
}

/// <summary>Keras <c>BinaryCrossentropy</c>: from_logits false, label_smoothing 0, axis −1; the mean over the
/// last axis per sample. Predictions straight from a sigmoid are read as the sigmoid's logits
/// (<see cref="Loss.LogitsActivation"/>), as Keras's TensorFlow backend does.</summary>
public sealed class BinaryCrossentropy : SmoothedCrossentropy
{
    public BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0,
        string reduction = SumOverBatchSize, string name = "binary_crossentropy") : base(fromLogits, labelSmoothing, reduction, name)
    {
    }


    public override string ClassName => "BinaryCrossentropy";

    public override string? LogitsActivation => "sigmoid";

    public static BinaryCrossentropy FromConfig(Config config)
    {
        var (fromLogits, labelSmoothing, reduction, name) = ReadArguments(config, "binary_crossentropy");
        return new(fromLogits, labelSmoothing, reduction, name);
    }

    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred)
    {
        var logits = LossOp.LogitsBehind(yPred, LogitsActivation);
        var op = new ElementwiseLossOp<BinaryCrossentropyTerm>(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction,
            new BinaryCrossentropyTerm(FromLogits || logits is not null, LabelSmoothing));
        if (logits is not null) op.ReadLogitsOf(logits);
        return op;
    }
}
