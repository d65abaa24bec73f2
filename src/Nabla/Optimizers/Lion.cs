using System.Runtime.CompilerServices;
using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>
/// Keras 3 <c>Lion</c> (defaults: learning_rate 0.001, beta_1 0.9, beta_2 0.99): a step of the same size for every
/// weight, in the direction of the sign of an interpolated momentum. Update, from Keras's
/// <c>keras/src/optimizers/lion.py</c>:
/// <code>
/// w −= lr·sign(beta_1·m + (1 − beta_1)·g)
/// m = beta_2·m + (1 − beta_2)·g
/// </code>
/// </summary>
public sealed class Lion : Optimizer
{
    private float lr;

    public Lion(LearningRateOrSchedule? learningRate = null, double beta1 = 0.9, double beta2 = 0.99,
        double? weightDecay = null, double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null,
        string name = "lion")
        : base(learningRate ?? 0.001, weightDecay, clipNorm, clipValue, globalClipNorm, name)
    {
        // Keras refuses beta_1 outside (0, 1]: at 0 Lion is signSGD.
        if (!(beta1 > 0 && beta1 <= 1))
            throw new ArgumentOutOfRangeException("beta_1", beta1,
                $"Argument `beta_1` must be in (0, 1]; at 0 the optimizer degenerates to SignSGD. Received: {beta1}.");
        Beta1 = beta1;
        // Keras does not check beta_2; outside [0, 1] the momentum would grow without bound.
        Beta2 = CheckFraction(beta2, "beta_2", allowOne: true);
    }

    public override string ClassName => "Lion";

    public double Beta1 { get; }
    public double Beta2 { get; }

    private protected override IReadOnlyList<string> StateNames => Names;

    private static readonly string[] Names = ["momentum"];

    private protected override void BeginStep(double learningRate) => lr = (float)learningRate;

    private protected override void UpdateParameter(in ParameterPass pass, ParameterState state, int start, int end)
    {
        var rule = new Rule(pass, state[0], lr, (float)Beta1, (float)(1 - Beta1), (float)Beta2, (float)(1 - Beta2));
        UpdateLoop.Run(rule, start, end);
    }

    private readonly struct Rule(ParameterPass pass, float[] momentum, float lr, float beta1, float oneMinusBeta1,
        float beta2, float oneMinusBeta2) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var g = pass.Gradient<T>(i);
            var w = pass.DecayedWeight<T>(i);
            var m = T.Load(momentum, i);
            (w - T.Sign(m * beta1 + g * oneMinusBeta1) * lr).Store(pass.Weights, i);
            (m * beta2 + g * oneMinusBeta2).Store(momentum, i);
        }
    }

    private protected override void AddConfig(Config config)
    {
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
    }

    public static Lion FromConfig(Config config)
    {
        var c = ReadCommon(config, "Lion", "beta_1", "beta_2");
        config.RefuseNull("Lion", "beta_1", "beta_2");
        return new Lion(c.LearningRate, config.GetDouble("beta_1", 0.9), config.GetDouble("beta_2", 0.99),
            c.WeightDecay, c.ClipNorm, c.ClipValue, c.GlobalClipNorm, c.Name ?? "lion");
    }
}
