using Nabla.Configuration;

namespace Nabla.Losses;

/// <summary>
/// max(1 − t·p, 0), optionally squared. Keras converts labels to ±1 (2t − 1) when every label of the batch
/// is 0 or 1, and uses them unchanged otherwise.
/// </summary>
internal struct HingeTerm(bool squared) : IElementwiseLoss
{
    private bool binaryLabels;

    public void Prepare(ReadOnlySpan<float> yTrue)
    {
        binaryLabels = true;
        foreach (float t in yTrue)
            if (t != 0f && t != 1f) { binaryLabels = false; break; }
    }

    private readonly double Label(float t) => binaryLabels ? 2.0 * t - 1.0 : t;

    public readonly double Value(float t, float p)
    {
        double margin = Math.Max(1.0 - Label(t) * p, 0.0);
        return squared ? margin * margin : margin;
    }

    public readonly double Derivative(float t, float p)
    {
        double label = Label(t), margin = 1.0 - label * p;
        if (margin <= 0) return 0.0;
        return squared ? -2.0 * margin * label : -label;
    }
}

/// <summary>mean(max(1 − t·p, 0)) per sample (Keras <c>hinge</c>; 0/1 labels become −1/1).</summary>
public sealed class Hinge(string reduction = Loss.SumOverBatchSize, string name = "hinge") : Loss(name, reduction)
{
    public override string ClassName => "Hinge";
    public static Hinge FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "hinge");
        return new(reduction, name);
    }
    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new ElementwiseLossOp<HingeTerm>(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction, new HingeTerm(squared: false));
}

/// <summary>mean(max(1 − t·p, 0)²) per sample (Keras <c>squared_hinge</c>; 0/1 labels become −1/1).</summary>
public sealed class SquaredHinge(string reduction = Loss.SumOverBatchSize, string name = "squared_hinge") : Loss(name, reduction)
{
    public override string ClassName => "SquaredHinge";
    public static SquaredHinge FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "squared_hinge");
        return new(reduction, name);
    }
    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new ElementwiseLossOp<HingeTerm>(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction, new HingeTerm(squared: true));
}

/// <summary>
/// Keras <c>categorical_hinge</c>: per sample max(neg − pos + 1, 0) with pos = Σ t·p and
/// neg = max over classes of (1 − t)·p.
/// </summary>
public sealed class CategoricalHinge(string reduction = Loss.SumOverBatchSize, string name = "categorical_hinge") : Loss(name, reduction)
{
    public override string ClassName => "CategoricalHinge";
    public static CategoricalHinge FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "categorical_hinge");
        return new(reduction, name);
    }
    protected override void ValidateInputs(Tensor yTrue, Tensor yPred) => RequireSameShape(yTrue, yPred);
    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) => new CategoricalHingeOp(Name, yTrue, yPred, Reduction);
}

internal sealed class CategoricalHingeOp(string name, Tensor yTrue, Tensor yPred, string reduction)
    : LossOp(name, yTrue, yPred, yPred.Shape[^1], reduction)
{
    /// <summary>A sample's margin neg − pos + 1 and the class where (1 − t)·p is largest (the first, on ties);
    /// the loss is max(margin, 0). The CategoricalHinge metric shares it.</summary>
    internal static (double Margin, int NegativeClass) Margin(ReadOnlySpan<float> t, ReadOnlySpan<float> p)
    {
        double pos = 0, neg = double.NegativeInfinity;
        int negClass = 0;
        for (int j = 0; j < p.Length; j++)
        {
            pos += (double)t[j] * p[j];
            double candidate = (1.0 - t[j]) * p[j];
            if (candidate > neg) { neg = candidate; negClass = j; }
        }
        return (neg - pos + 1.0, negClass);
    }

    private (double Margin, int NegativeClass) Row(int row) =>
        Margin(YTrue.Slice(row * Width, Width), YPred.Slice(row * Width, Width));

    protected override double SumOfSampleLosses()
    {
        var w = Weights;
        double sum = 0;
        for (int r = 0; r < Samples; r++) sum += (w.IsEmpty ? 1.0 : w[r]) * Math.Max(Row(r).Margin, 0.0);
        return sum;
    }

    protected override void AddGradient(Span<float> gradPred, double baseScale)
    {
        for (int r = 0; r < Samples; r++)
        {
            var (margin, negClass) = Row(r);
            if (margin <= 0) continue;
            double scale = Weights.IsEmpty ? baseScale : baseScale * Weights[r];
            var t = YTrue.Slice(r * Width, Width);
            var g = gradPred.Slice(r * Width, Width);
            for (int j = 0; j < Width; j++) g[j] -= (float)(scale * t[j]);
            g[negClass] += (float)(scale * (1.0 - t[negClass]));
        }
    }
}
