using Nabla.Configuration;

namespace Nabla.Losses;

/// <summary>
/// What the focal crossentropies share (Lin et al., 2018, as in keras/src/losses/losses.py): a crossentropy whose
/// terms are scaled by the focal factor (1 − p_t)^gamma, which shrinks the loss of well-classified examples, and
/// the balancing weight alpha. Their losses are not ln(classes) at a uniform guess, which the training doctor
/// reads only for plain crossentropies.
/// </summary>
public abstract class FocalCrossentropy : SmoothedCrossentropy
{
    private protected FocalCrossentropy(double alpha, double gamma, bool fromLogits, double labelSmoothing,
        string reduction, string name) : base(fromLogits, labelSmoothing, reduction, name)
    {
        Alpha = double.IsFinite(alpha) ? alpha
            : throw new ArgumentException($"alpha must be a finite number; got {alpha}.", nameof(alpha));
        // Keras does not check gamma; below 0 the factor is infinite for a perfect prediction.
        Gamma = gamma >= 0 && double.IsFinite(gamma) ? gamma
            : throw new ArgumentException($"gamma must be a finite number >= 0; got {gamma}.", nameof(gamma));
    }

    /// <summary>The balancing weight (0.25 by default, the paper's).</summary>
    public double Alpha { get; }

    /// <summary>The focusing parameter (2.0 by default); 0 gives the plain crossentropy (times alpha, for the categorical one).</summary>
    public double Gamma { get; }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        AddFocalConfig(config);
        return config;
    }

    /// <summary>The keys Keras writes after from_logits, label_smoothing and axis.</summary>
    private protected virtual void AddFocalConfig(Config config)
    {
        config["alpha"] = Alpha;
        config["gamma"] = Gamma;
    }

    /// <summary>q^gamma and its derivative gamma·q^(gamma − 1) (0 when gamma is 0, where TensorFlow's pow gradient
    /// is 0 too).</summary>
    private protected static (double Factor, double Derivative) FocalFactor(double q, double gamma) =>
        gamma == 0 ? (1.0, 0.0) : (Math.Pow(q, gamma), gamma * Math.Pow(q, gamma - 1));
}

/// <summary>
/// Keras <c>BinaryFocalCrossentropy</c> (apply_class_balancing false, alpha 0.25, gamma 2.0, from_logits false,
/// label_smoothing 0, axis −1): per element (1 − p_t)^gamma · bce(t, p), with p_t = t·p + (1 − t)·(1 − p), times
/// t·alpha + (1 − t)·(1 − alpha) when balancing; the mean over the last axis per sample. Label smoothing moves t to
/// t·(1 − s) + s/2 first. From logits, p = sigmoid(z) and bce is computed from z without clipping, as Keras's
/// TensorFlow backend does (it recovers the logits behind <c>ops.sigmoid</c>); JAX and torch clip sigmoid(z) to
/// [1e-7, 1 − 1e-7], which differs only where |z| &gt; 16. Predictions straight from a sigmoid are read the same way,
/// through the logits behind them (the backend's <c>binary_crossentropy</c> finds the <c>_keras_logits</c> the sigmoid
/// cached), so a prediction past the clip still passes back a gradient.
/// </summary>
public sealed class BinaryFocalCrossentropy : FocalCrossentropy
{
    public BinaryFocalCrossentropy(bool applyClassBalancing = false, double alpha = 0.25, double gamma = 2.0,
        bool fromLogits = false, double labelSmoothing = 0.0, string reduction = SumOverBatchSize,
        string name = "binary_focal_crossentropy") : base(alpha, gamma, fromLogits, labelSmoothing, reduction, name)
    {
        if (alpha is < 0 or > 1) throw new ArgumentException($"alpha must be in [0, 1]; got {alpha}.", nameof(alpha));
        ApplyClassBalancing = applyClassBalancing;
    }

    public bool ApplyClassBalancing { get; }

    public override string ClassName => "BinaryFocalCrossentropy";

    private protected override void AddFocalConfig(Config config)
    {
        config["apply_class_balancing"] = ApplyClassBalancing;
        base.AddFocalConfig(config);
    }

    public static BinaryFocalCrossentropy FromConfig(Config config)
    {
        var (fromLogits, labelSmoothing, reduction, name) = ReadArguments(config, "binary_focal_crossentropy");
        config.RefuseNull("binary_focal_crossentropy", "alpha", "gamma");
        return new(config.GetBool("apply_class_balancing", false), config.GetDouble("alpha", 0.25),
            config.GetDouble("gamma", 2.0), fromLogits, labelSmoothing, reduction, name);
    }

    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred)
    {
        // Under from_logits Keras applies its own sigmoid first, and the backend reads through that one instead: a sigmoid
        // output is then squashed twice, which LossOutputMismatchDetector reports.
        var logits = FromLogits ? null : LossOp.LogitsBehind(yPred, "sigmoid");
        bool readsLogits = FromLogits || logits is not null;
        var op = new ElementwiseLossOp<Term>(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction,
            new Term(new BinaryCrossentropyTerm(readsLogits, LabelSmoothing), readsLogits, ApplyClassBalancing, Alpha, Gamma));
        if (logits is not null) op.ReadLogitsOf(logits);
        return op;
    }

    private readonly struct Term(BinaryCrossentropyTerm bce, bool fromLogits, bool balancing, double alpha, double gamma)
        : IElementwiseLoss
    {
        public void Prepare(ReadOnlySpan<float> yTrue) { }

        private double Balance(double target) => balancing ? target * alpha + (1 - target) * (1 - alpha) : 1.0;

        private double Probability(float p) => fromLogits ? 1.0 / (1.0 + Math.Exp(-(double)p)) : p;

        /// <summary>1 − p_t, the probability given to the wrong side.</summary>
        private static double Miss(double target, double probability) =>
            1.0 - (target * probability + (1 - target) * (1 - probability));

        public double Value(float t, float p)
        {
            double target = bce.Smooth(t);
            return Balance(target) * FocalFactor(Miss(target, Probability(p)), gamma).Factor * bce.Value(t, p);
        }

        /// <summary>d/dp [f(q)·bce] = f'(q)·(1 − 2t)·dprob/dp·bce + f(q)·dbce/dp, with dprob/dz = σ(1 − σ) from logits.</summary>
        public double Derivative(float t, float p)
        {
            double target = bce.Smooth(t), probability = Probability(p);
            var (factor, factorDerivative) = FocalFactor(Miss(target, probability), gamma);
            double probabilityDerivative = fromLogits ? probability * (1 - probability) : 1.0;
            return Balance(target) * (factorDerivative * (1 - 2 * target) * probabilityDerivative * bce.Value(t, p)
                                      + factor * bce.Derivative(t, p));
        }
    }
}
