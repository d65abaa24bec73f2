using System.Runtime.CompilerServices;
using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>
/// Keras 3 <c>Adadelta</c> (defaults: learning_rate 0.001, rho 0.95, epsilon 1e-7). Update, from Keras's
/// <c>adadelta.py</c>, with both accumulators starting at 0 and epsilon inside both roots:
/// <code>
/// accumulated_grad = rho·accumulated_grad + (1 − rho)·g²
/// step = sqrt(accumulated_delta_var + epsilon) · g / sqrt(accumulated_grad + epsilon)
/// accumulated_delta_var = rho·accumulated_delta_var + (1 − rho)·step²
/// w −= lr·step
/// </code>
/// (Keras's delta_var is −step.) The original paper's rule is learning_rate 1.0.
/// </summary>
public sealed class Adadelta : Optimizer
{
    private float lr;

    public Adadelta(LearningRateOrSchedule? learningRate = null, double rho = 0.95, double epsilon = 1e-7,
        double? weightDecay = null, double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null,
        string name = "adadelta")
        : base(learningRate ?? 0.001, weightDecay, clipNorm, clipValue, globalClipNorm, name)
    {
        Rho = CheckFraction(rho, "rho");
        Epsilon = CheckEpsilon(epsilon);
        // With epsilon 0 the delta accumulator, which starts at 0, stays 0: no weight would ever move, and a
        // zero gradient would give 0/0 = NaN. Keras accepts it; here it is refused.
        if (epsilon == 0)
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon,
                "Argument `epsilon` must be > 0 for Adadelta (with 0 no weight ever moves). Received: 0.");
    }

    public override string ClassName => "Adadelta";

    public double Rho { get; }
    public double Epsilon { get; }

    // Keras's build: accumulated_grad for every variable, then accumulated_delta_var for every variable.
    private protected override IReadOnlyList<string> StateNames => Names;

    private static readonly string[] Names = ["accumulated_grad", "accumulated_delta_var"];

    private protected override void BeginStep(double learningRate) => lr = (float)learningRate;

    private protected override void UpdateParameter(in ParameterPass pass, ParameterState state, int start, int end)
    {
        var rule = new Rule(pass, state[0], state[1], lr, (float)Rho, (float)(1 - Rho), (float)Epsilon);
        UpdateLoop.Run(rule, start, end);
    }

    private readonly struct Rule(ParameterPass pass, float[] accumulatedGrad, float[] accumulatedDelta,
        float lr, float rho, float oneMinusRho, float epsilon) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var g = pass.Gradient<T>(i);
            var w = pass.DecayedWeight<T>(i);
            var a = T.Load(accumulatedGrad, i) * rho + T.SquareFlushed(g) * oneMinusRho;
            a.Store(accumulatedGrad, i);
            var d = T.Load(accumulatedDelta, i);
            var step = T.Sqrt(d + epsilon) * g / T.Sqrt(a + epsilon);
            (d * rho + T.SquareFlushed(step) * oneMinusRho).Store(accumulatedDelta, i);
            (w - step * lr).Store(pass.Weights, i);
        }
    }

    private protected override void AddConfig(Config config)
    {
        config["rho"] = Rho;
        config["epsilon"] = Epsilon;
    }

    public static Adadelta FromConfig(Config config)
    {
        var c = ReadCommon(config, "Adadelta", "rho", "epsilon");
        config.RefuseNull("Adadelta", "rho");
        return new Adadelta(c.LearningRate, config.GetDouble("rho", 0.95), config.GetDouble("epsilon", 1e-7),
            c.WeightDecay, c.ClipNorm, c.ClipValue, c.GlobalClipNorm, c.Name ?? "adadelta");
    }
}
