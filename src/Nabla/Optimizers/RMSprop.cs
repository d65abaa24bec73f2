using System.Runtime.CompilerServices;
using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>
/// Keras 3 <c>RMSprop</c> (defaults: learning_rate 0.001, rho 0.9, momentum 0.0, epsilon 1e-7, centered false).
/// Update, from Keras's <c>rmsprop.py</c>:
/// <code>
/// v = rho·v + (1 − rho)·g²
/// centered: a = rho·a + (1 − rho)·g;  denominator = v − a² + epsilon
/// otherwise:                          denominator = v + epsilon
/// increment = lr·g / sqrt(denominator)
/// momentum &gt; 0: mom = momentum·mom + increment;  w −= mom
/// otherwise:     w −= increment
/// </code>
/// </summary>
public sealed class RMSprop : Optimizer
{
    private float lr;

    public RMSprop(LearningRateOrSchedule? learningRate = null, double rho = 0.9, double momentum = 0.0,
        double epsilon = 1e-7, bool centered = false, double? weightDecay = null, double? clipNorm = null,
        double? clipValue = null, double? globalClipNorm = null, string name = "rmsprop")
        : base(learningRate ?? 0.001, weightDecay, clipNorm, clipValue, globalClipNorm, name)
    {
        Rho = CheckFraction(rho, "rho");
        Momentum = CheckFraction(momentum, "momentum", allowOne: true);
        Epsilon = CheckEpsilon(epsilon);
        Centered = centered;
    }

    public override string ClassName => "RMSprop";

    public double Rho { get; }
    public double Momentum { get; }
    public double Epsilon { get; }
    public bool Centered { get; }

    // velocity, then momentum when momentum > 0, then average_gradient when centered
    private protected override IReadOnlyList<string> StateNames =>
        stateNames ??= ["velocity", .. Momentum > 0 ? new[] { "momentum" } : [], .. Centered ? new[] { "average_gradient" } : []];

    private string[]? stateNames;

    private protected override void BeginStep(double learningRate) => lr = (float)learningRate;

    private protected override void UpdateParameter(in ParameterPass pass, ParameterState state, int start, int end)
    {
        float[]? momentum = Momentum > 0 ? state[1] : null;
        float[]? average = Centered ? state[^1] : null;
        var rule = new Rule(pass, state[0], momentum, average, lr, (float)Rho, (float)(1 - Rho), (float)Momentum, (float)Epsilon);
        UpdateLoop.Run(rule, start, end);
    }

    private readonly struct Rule(ParameterPass pass, float[] velocity, float[]? momentumState, float[]? averageGradient,
        float lr, float rho, float oneMinusRho, float momentum, float epsilon) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var g = pass.Gradient<T>(i);
            var w = pass.DecayedWeight<T>(i);
            var v = T.Load(velocity, i) * rho + T.SquareFlushed(g) * oneMinusRho;
            v.Store(velocity, i);
            T denominator;
            if (averageGradient is not null)
            {
                var a = T.Load(averageGradient, i) * rho + g * oneMinusRho;
                a.Store(averageGradient, i);
                denominator = v - a * a + epsilon;
            }
            else
            {
                denominator = v + epsilon;
            }
            var increment = g * lr / T.Sqrt(denominator);
            if (momentumState is not null)
            {
                increment = T.Load(momentumState, i) * momentum + increment;
                increment.Store(momentumState, i);
            }
            (w - increment).Store(pass.Weights, i);
        }
    }

    private protected override void AddConfig(Config config)
    {
        config["rho"] = Rho;
        config["momentum"] = Momentum;
        config["epsilon"] = Epsilon;
        config["centered"] = Centered;
    }

    public static RMSprop FromConfig(Config config)
    {
        var c = ReadCommon(config, "RMSprop", "rho", "momentum", "epsilon", "centered");
        config.RefuseNull("RMSprop", "rho", "momentum");
        return new RMSprop(c.LearningRate, config.GetDouble("rho", 0.9), config.GetDouble("momentum", 0.0),
            config.GetDouble("epsilon", 1e-7), config.GetBool("centered", false), c.WeightDecay, c.ClipNorm,
            c.ClipValue, c.GlobalClipNorm, c.Name ?? "rmsprop");
    }
}
