using Nabla.Configuration;

namespace Nabla.Losses;

/// <summary>
/// Keras <c>CosineSimilarity</c> (axis −1, instance name "cosine_similarity"): per sample −Σ t̂·p̂, the negative
/// cosine of the angle between target and prediction, so that minimizing it aligns them. As Keras's
/// <c>normalize</c> (keras/src/ops/nn.py, order 2), x̂ = x·min(1/‖x‖, 1/ε): a zero row gives 0.
/// </summary>
public sealed class CosineSimilarity(string reduction = Loss.SumOverBatchSize, string name = "cosine_similarity")
    : Loss(name, reduction)
{
    public override string ClassName => "CosineSimilarity";

    /// <summary>Keras 3's get_config writes only name and reduction but its constructor takes axis; Nabla writes
    /// axis −1, the only one it computes, as the crossentropies do.</summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = -1L;
        return config;
    }

    public static CosineSimilarity FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "cosine_similarity");
        RequireLastAxis(config, "cosine_similarity");
        return new(reduction, name);
    }

    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new CosineOp(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction);

    /// <summary>min(1/‖x‖, 1/ε), and whether the cap is active (then it is a constant for the gradient).</summary>
    private static (double Scale, bool Capped) InverseNorm(ReadOnlySpan<float> x)
    {
        double squares = 0;
        foreach (float v in x) squares += (double)v * v;
        double inverse = 1.0 / Math.Sqrt(squares), cap = 1.0 / Epsilon;
        return inverse < cap ? (inverse, false) : (cap, true);
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0;
        for (int j = 0; j < a.Length; j++) dot += (double)a[j] * b[j];
        return dot;
    }

    /// <summary>The rows' cosine similarity as Keras computes it (the loss is its negative, the metric itself).</summary>
    internal static double Similarity(ReadOnlySpan<float> t, ReadOnlySpan<float> p) =>
        InverseNorm(t).Scale * InverseNorm(p).Scale * Dot(t, p);

    private sealed class CosineOp(string name, Tensor yTrue, Tensor yPred, int width, string reduction)
        : RowLossOp(name, yTrue, yPred, width, reduction)
    {
        protected override double RowLoss(ReadOnlySpan<float> t, ReadOnlySpan<float> p) => -Similarity(t, p);

        /// <summary>With a = 1/‖t‖ and b = 1/‖p‖: dL/dp = −a·b·(t − (t·p)·b²·p); where b is capped, −a·b·t.</summary>
        protected override void AddRowGradient(ReadOnlySpan<float> t, ReadOnlySpan<float> p, Span<float> grad, double scale)
        {
            double a = InverseNorm(t).Scale;
            var (b, capped) = InverseNorm(p);
            double projection = capped ? 0.0 : Dot(t, p) * b * b, factor = -scale * a * b;
            for (int j = 0; j < p.Length; j++) grad[j] += (float)(factor * (t[j] - projection * p[j]));
        }
    }
}
