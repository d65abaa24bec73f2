using System.Runtime.CompilerServices;
using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>
/// Keras 3 <c>Nadam</c> (defaults: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7). Update, from
/// Keras's <c>nadam.py</c>, with t = iterations + 1 and Dozat's momentum cache (decay 0.96):
/// <code>
/// u_t     = beta_1·(1 − 0.5·0.96^t)        u_{t+1} = beta_1·(1 − 0.5·0.96^(t+1))
/// Π_t     = u_1·u_2·…·u_t                  (Keras's u_product, updated once per step)
/// m += (g − m)·(1 − beta_1);  v += (g² − v)·(1 − beta_2)
/// m̂ = u_{t+1}·m / (1 − Π_t·u_{t+1}) + (1 − u_t)·g / (1 − Π_t)
/// v̂ = v / (1 − beta_2^t)
/// w −= lr·m̂ / (sqrt(v̂) + epsilon)
/// </code>
/// </summary>
public sealed class Nadam : Optimizer
{
    private const double MomentumCacheDecay = 0.96;
    private double uProduct = 1.0;   // Π over the steps counted by uProductSteps
    private long uProductSteps;
    private float lr, momentumCoefficient, gradientCoefficient, velocityCorrection;

    public Nadam(LearningRateOrSchedule? learningRate = null, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-7, double? weightDecay = null, double? clipNorm = null, double? clipValue = null,
        double? globalClipNorm = null, string name = "nadam")
        : base(learningRate ?? 0.001, weightDecay, clipNorm, clipValue, globalClipNorm, name)
    {
        Beta1 = CheckFraction(beta1, "beta_1");
        Beta2 = CheckFraction(beta2, "beta_2");
        Epsilon = CheckEpsilon(epsilon);
    }

    public override string ClassName => "Nadam";

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }

    private protected override IReadOnlyList<string> StateNames => Names;

    private static readonly string[] Names = ["momentum", "velocity"];

    // Keras's Nadam.build: momentum and velocity per variable (then its scalar u_product, which Nabla derives from iterations).
    internal override IReadOnlyList<IReadOnlyList<string>> KerasVariableGroups => [Names];

    private double U(long t) => Beta1 * (1.0 - 0.5 * Math.Pow(MomentumCacheDecay, t));

    private protected override void BeginStep(double learningRate)
    {
        long t = Iterations + 1;
        // Π_t is a product over the history; rebuild it if Iterations was set by hand (e.g. when resuming).
        if (uProductSteps != t - 1)
        {
            uProduct = 1.0;
            for (long s = 1; s < t; s++) uProduct *= U(s);
        }
        uProduct *= U(t);
        uProductSteps = t;
        double uNext = U(t + 1);
        lr = (float)learningRate;
        momentumCoefficient = (float)(uNext / (1 - uProduct * uNext));
        gradientCoefficient = (float)((1 - U(t)) / (1 - uProduct));
        velocityCorrection = (float)(1 / (1 - Math.Pow(Beta2, t)));
    }

    private protected override void UpdateParameter(in ParameterPass pass, ParameterState state, int start, int end)
    {
        var rule = new Rule(pass, state[0], state[1], (float)(1 - Beta1), (float)(1 - Beta2), momentumCoefficient,
            gradientCoefficient, velocityCorrection, lr, (float)Epsilon);
        UpdateLoop.Run(rule, start, end);
    }

    private readonly struct Rule(ParameterPass pass, float[] momentum, float[] velocity, float oneMinusBeta1,
        float oneMinusBeta2, float momentumCoefficient, float gradientCoefficient, float velocityCorrection,
        float lr, float epsilon) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var g = pass.Gradient<T>(i);
            var w = pass.DecayedWeight<T>(i);
            var (m, v) = AdamMoments.Update(g, momentum, velocity, i, oneMinusBeta1, oneMinusBeta2);
            var mHat = m * momentumCoefficient + g * gradientCoefficient;
            var vHat = v * velocityCorrection;
            (w - mHat * lr / (T.Sqrt(vHat) + epsilon)).Store(pass.Weights, i);
        }
    }

    private protected override void AddConfig(Config config)
    {
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
        config["epsilon"] = Epsilon;
    }

    public static Nadam FromConfig(Config config)
    {
        var c = ReadCommon(config, "Nadam", "beta_1", "beta_2", "epsilon");
        config.RefuseNull("Nadam", "beta_1", "beta_2");
        return new Nadam(c.LearningRate, config.GetDouble("beta_1", 0.9), config.GetDouble("beta_2", 0.999),
            config.GetDouble("epsilon", 1e-7), c.WeightDecay, c.ClipNorm, c.ClipValue, c.GlobalClipNorm,
            c.Name ?? "nadam");
    }
}
