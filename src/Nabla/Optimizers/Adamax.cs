using System.Runtime.CompilerServices;
using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>
/// Keras 3 <c>Adamax</c> (defaults: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7): Adam with the
/// infinity norm in place of the second moment. Update, from Keras's <c>keras/src/optimizers/adamax.py</c>, with
/// t = iterations + 1:
/// <code>
/// m += (g − m)·(1 − beta_1)
/// u = max(beta_2·u, |g|)
/// w −= lr·m / ((1 − beta_1^t)·(u + epsilon))
/// </code>
/// </summary>
public sealed class Adamax : Optimizer
{
    private float stepSize;

    public Adamax(LearningRateOrSchedule? learningRate = null, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-7, double? weightDecay = null, double? clipNorm = null, double? clipValue = null,
        double? globalClipNorm = null, string name = "adamax")
        : base(learningRate ?? 0.001, weightDecay, clipNorm, clipValue, globalClipNorm, name)
    {
        Beta1 = CheckFraction(beta1, "beta_1");
        Beta2 = CheckFraction(beta2, "beta_2");
        Epsilon = CheckEpsilon(epsilon);
    }

    public override string ClassName => "Adamax";

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }

    private protected override IReadOnlyList<string> StateNames => Names;

    private static readonly string[] Names = ["momentum", "norm"];

    // Keras's Adamax.build: add_optimizer_variables(var_list, ["momentum", "norm"]), both per variable in turn.
    internal override IReadOnlyList<IReadOnlyList<string>> KerasVariableGroups => [Names];

    // lr / (1 − beta_1^t) as one factor: the bias correction is a per-step scalar.
    private protected override void BeginStep(double learningRate) =>
        stepSize = (float)(learningRate / (1 - Math.Pow(Beta1, Iterations + 1)));

    private protected override void UpdateParameter(in ParameterPass pass, ParameterState state, int start, int end)
    {
        var rule = new Rule(pass, state[0], state[1], stepSize, (float)Beta2, (float)(1 - Beta1), (float)Epsilon);
        UpdateLoop.Run(rule, start, end);
    }

    private readonly struct Rule(ParameterPass pass, float[] momentum, float[] norm, float stepSize, float beta2,
        float oneMinusBeta1, float epsilon) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var g = pass.Gradient<T>(i);
            var w = pass.DecayedWeight<T>(i);
            var m = T.Load(momentum, i);
            m += (g - m) * oneMinusBeta1;
            m.Store(momentum, i);
            var u = T.Max(T.Load(norm, i) * beta2, T.Abs(g));
            u.Store(norm, i);
            (w - m * stepSize / (u + epsilon)).Store(pass.Weights, i);
        }
    }

    private protected override void AddConfig(Config config)
    {
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
        config["epsilon"] = Epsilon;
    }

    public static Adamax FromConfig(Config config)
    {
        var c = ReadCommon(config, "Adamax", "beta_1", "beta_2", "epsilon");
        config.RefuseNull("Adamax", "beta_1", "beta_2");
        return new Adamax(c.LearningRate, config.GetDouble("beta_1", 0.9), config.GetDouble("beta_2", 0.999),
            config.GetDouble("epsilon", 1e-7), c.WeightDecay, c.ClipNorm, c.ClipValue, c.GlobalClipNorm,
            c.Name ?? "adamax");
    }
}
