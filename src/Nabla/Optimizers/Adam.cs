using System.Runtime.CompilerServices;
using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>
/// Keras 3 <c>Adam</c> (defaults: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7, amsgrad false).
/// Update, from Keras's <c>adam.py</c>, with t = iterations + 1:
/// <code>
/// alpha = lr · sqrt(1 − beta_2^t) / (1 − beta_1^t)
/// m += (g − m)·(1 − beta_1)
/// v += (g² − v)·(1 − beta_2)
/// amsgrad: v̂ = max(v̂, v), and v̂ replaces v below
/// w −= alpha·m / (sqrt(v) + epsilon)
/// </code>
/// </summary>
public class Adam : Optimizer
{
    private float alpha;

    public Adam(LearningRateOrSchedule? learningRate = null, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-7, bool amsgrad = false, double? weightDecay = null, double? clipNorm = null,
        double? clipValue = null, double? globalClipNorm = null, string name = "adam")
        : base(learningRate ?? 0.001, weightDecay, clipNorm, clipValue, globalClipNorm, name)
    {
        Beta1 = CheckFraction(beta1, "beta_1");
        Beta2 = CheckFraction(beta2, "beta_2");
        Epsilon = CheckEpsilon(epsilon);
        Amsgrad = amsgrad;
    }

    public override string ClassName => "Adam";

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public bool Amsgrad { get; }

    private protected override IReadOnlyList<string> StateNames => Amsgrad ? AmsgradNames : Names;

    private static readonly string[] Names = ["momentum", "velocity"];
    private static readonly string[] AmsgradNames = ["momentum", "velocity", "velocity_hat"];

    // Keras's Adam.build: momentum and velocity per variable, then velocity_hat per variable when amsgrad.
    internal override IReadOnlyList<IReadOnlyList<string>> KerasVariableGroups =>
        Amsgrad ? [Names, ["velocity_hat"]] : [Names];

    private protected override void BeginStep(double learningRate)
    {
        double t = Iterations + 1;
        alpha = (float)(learningRate * Math.Sqrt(1 - Math.Pow(Beta2, t)) / (1 - Math.Pow(Beta1, t)));
    }

    private protected override void UpdateParameter(in ParameterPass pass, ParameterState state, int start, int end)
    {
        var rule = new Rule(pass, state[0], state[1], Amsgrad ? state[2] : null,
            alpha, (float)(1 - Beta1), (float)(1 - Beta2), (float)Epsilon);
        UpdateLoop.Run(rule, start, end);
    }

    private readonly struct Rule(ParameterPass pass, float[] momentum, float[] velocity, float[]? velocityHat,
        float alpha, float oneMinusBeta1, float oneMinusBeta2, float epsilon) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var g = pass.Gradient<T>(i);
            var w = pass.DecayedWeight<T>(i);
            var (m, v) = AdamMoments.Update(g, momentum, velocity, i, oneMinusBeta1, oneMinusBeta2);
            if (velocityHat is not null)
            {
                v = T.Max(T.Load(velocityHat, i), v);
                v.Store(velocityHat, i);
            }
            (w - m * alpha / (T.Sqrt(v) + epsilon)).Store(pass.Weights, i);
        }
    }

    private protected override void AddConfig(Config config)
    {
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
        config["epsilon"] = Epsilon;
        config["amsgrad"] = Amsgrad;
    }

    public static Adam FromConfig(Config config)
    {
        var c = ReadCommon(config, "Adam", "beta_1", "beta_2", "epsilon", "amsgrad");
        config.RefuseNull("Adam", "beta_1", "beta_2");
        return new Adam(c.LearningRate, config.GetDouble("beta_1", 0.9), config.GetDouble("beta_2", 0.999),
            config.GetDouble("epsilon", 1e-7), config.GetBool("amsgrad", false), c.WeightDecay, c.ClipNorm,
            c.ClipValue, c.GlobalClipNorm, c.Name ?? "adam");
    }
}
