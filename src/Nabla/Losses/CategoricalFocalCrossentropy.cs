using Nabla.Configuration;

namespace Nabla.Losses;

/// <summary>
/// Keras <c>CategoricalFocalCrossentropy</c> (alpha 0.25, gamma 2.0, from_logits false, label_smoothing 0, axis −1):
/// per sample Σ alpha·(1 − o)^gamma·(−t·log o) over the classes, where o is the prediction divided by its sum and
/// clipped to [1e-7, 1 − 1e-7] (softmax(z) first from logits). alpha may be one weight per class
/// (<paramref name="classAlphas"/>, a list in Keras's config). Label smoothing s replaces t by t·(1 − s) + s/classes.
/// </summary>
public sealed class CategoricalFocalCrossentropy(double alpha = 0.25, double gamma = 2.0, bool fromLogits = false,
    double labelSmoothing = 0.0, string reduction = Loss.SumOverBatchSize, string name = "categorical_focal_crossentropy",
    IReadOnlyList<double>? classAlphas = null)
    : FocalCrossentropy(alpha, gamma, fromLogits, labelSmoothing, reduction, name)
{
    /// <summary>One alpha per class, replacing <see cref="FocalCrossentropy.Alpha"/>; null for the single alpha.</summary>
    public IReadOnlyList<double>? ClassAlphas { get; } = classAlphas is null ? null
        : classAlphas.All(double.IsFinite) ? [.. classAlphas]
        : throw new ArgumentException("Every class alpha must be finite.", nameof(classAlphas));

    public override string ClassName => "CategoricalFocalCrossentropy";

    private protected override void AddFocalConfig(Config config)
    {
        base.AddFocalConfig(config);
        if (ClassAlphas is not null) config["alpha"] = ClassAlphas.ToList();
    }

    public static CategoricalFocalCrossentropy FromConfig(Config config)
    {
        var (fromLogits, labelSmoothing, reduction, name) = ReadArguments(config, "categorical_focal_crossentropy");
        config.RefuseNull("categorical_focal_crossentropy", "alpha", "gamma");
        double[]? classAlphas = config.TryGet("alpha", out var raw) && raw is not string and System.Collections.IEnumerable
            ? Optimizers.StrictConfig.GetNumbers(config, "alpha") : null;
        return new(classAlphas is null ? config.GetDouble("alpha", 0.25) : 0.25, config.GetDouble("gamma", 2.0),
            fromLogits, labelSmoothing, reduction, name, classAlphas);
    }

    protected override void ValidateInputs(Tensor yTrue, Tensor yPred)
    {
        RequireSameShape(yTrue, yPred);
        if (ClassAlphas is { } alphas && alphas.Count != yPred.Shape[^1])
            throw new ArgumentException($"{Name}: {alphas.Count} class alphas for {yPred.Shape[^1]} classes.");
    }

    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) => new Op(this, yTrue, yPred);

    private sealed class Op : RowLossOp
    {
        private const double Low = Epsilon, High = 1f - Epsilon;
        private readonly double[] alphas;
        private readonly double gamma, smoothing;
        private readonly bool fromLogits;
        private readonly float[]? smoothed;
        // One row's probabilities and the gradient with respect to them, reused across rows.
        private readonly double[] probabilities, gradient;

        public Op(CategoricalFocalCrossentropy loss, Tensor yTrue, Tensor yPred)
            : base(loss.Name, yTrue, yPred, yPred.Shape[^1], loss.Reduction)
        {
            alphas = loss.ClassAlphas?.ToArray() ?? Enumerable.Repeat(loss.Alpha, Width).ToArray();
            gamma = loss.Gamma;
            fromLogits = loss.FromLogits;
            smoothing = loss.LabelSmoothing;
            if (smoothing > 0) smoothed = new float[yTrue.Size];
            probabilities = new double[Width];
            gradient = new double[Width];
        }

        protected override ReadOnlySpan<float> Targets => smoothed ?? YTrue;

        protected override void PrepareTargets()
        {
            if (smoothed is not null) CategoricalCrossentropy.SmoothCategorical(YTrue, smoothed, smoothing, Width);
        }

        /// <summary>Fills <see cref="probabilities"/> (softmax from logits) and returns their sum.</summary>
        private double Probabilities(ReadOnlySpan<float> p)
        {
            double max = double.NegativeInfinity, sum = 0;
            if (fromLogits) foreach (float v in p) max = Math.Max(max, v);
            for (int j = 0; j < p.Length; j++) sum += probabilities[j] = fromLogits ? Math.Exp(p[j] - max) : p[j];
            if (!fromLogits) return sum;
            for (int j = 0; j < p.Length; j++) probabilities[j] /= sum;
            return 1.0;
        }

        protected override double RowLoss(ReadOnlySpan<float> t, ReadOnlySpan<float> p)
        {
            double sum = Probabilities(p), loss = 0;
            for (int j = 0; j < p.Length; j++)
            {
                if (t[j] == 0) continue;
                double o = Math.Clamp(probabilities[j] / sum, Low, High);
                loss -= alphas[j] * FocalFactor(1 - o, gamma).Factor * t[j] * Math.Log(o);
            }
            return loss;
        }

        /// <summary>With o = q/S: dL/do_j = α·t·(γ(1 − o)^(γ−1)·log o − (1 − o)^γ/o) (0 where o is clipped), then
        /// dL/dq_j = (g_j − Σ g_i·o_i)/S, and from logits through the softmax: dL/dz_j = q_j·(h_j − Σ h_i·q_i).</summary>
        protected override void AddRowGradient(ReadOnlySpan<float> t, ReadOnlySpan<float> p, Span<float> grad, double scale)
        {
            double sum = Probabilities(p), weighted = 0;
            for (int j = 0; j < p.Length; j++)
            {
                double o = probabilities[j] / sum;
                gradient[j] = 0;
                if (t[j] != 0 && o >= Low && o <= High)
                {
                    var (factor, factorDerivative) = FocalFactor(1 - o, gamma);
                    gradient[j] = alphas[j] * t[j] * (factorDerivative * Math.Log(o) - factor / o);
                }
                weighted += gradient[j] * o;
            }
            double chained = 0;
            for (int j = 0; j < p.Length; j++)
            {
                gradient[j] = (gradient[j] - weighted) / sum;
                chained += gradient[j] * probabilities[j];
            }
            for (int j = 0; j < p.Length; j++)
                grad[j] += (float)(scale * (fromLogits ? probabilities[j] * (gradient[j] - chained) : gradient[j]));
        }
    }
}
