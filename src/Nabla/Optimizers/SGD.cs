using System.Runtime.CompilerServices;
using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>
/// Keras 3 <c>SGD</c> (defaults: learning_rate 0.01, momentum 0.0, nesterov false). Update, from Keras's
/// <c>sgd.py</c>:
/// <code>
/// momentum == 0:  w = w − lr·g
/// momentum &gt; 0:  v = momentum·v − lr·g
///                 w = w + v                       (nesterov: w = w + momentum·v − lr·g)
/// </code>
/// </summary>
public sealed class SGD : Optimizer
{
    private float lr;

    public SGD(LearningRateOrSchedule? learningRate = null, double momentum = 0.0, bool nesterov = false,
        double? weightDecay = null, double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null,
        string name = "SGD")
        : base(learningRate ?? 0.01, weightDecay, clipNorm, clipValue, globalClipNorm, name)
    {
        // Keras: "`momentum` must be a float between [0, 1]."
        Momentum = CheckFraction(momentum, "momentum", allowOne: true);
        Nesterov = nesterov;
    }

    public override string ClassName => "SGD";

    public double Momentum { get; }

    public bool Nesterov { get; }

    private protected override IReadOnlyList<string> StateNames => Momentum != 0 ? Names : [];

    private static readonly string[] Names = ["momentum"];

    private protected override void BeginStep(double learningRate) => lr = (float)learningRate;

    private protected override void UpdateParameter(in ParameterPass pass, ParameterState state, int start, int end)
    {
        var rule = new Rule(pass, state.Count > 0 ? state[0] : null, lr, (float)Momentum, Nesterov);
        UpdateLoop.Run(rule, start, end);
    }

    private readonly struct Rule(ParameterPass pass, float[]? velocity, float lr, float momentum, bool nesterov) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var g = pass.Gradient<T>(i);
            var w = pass.DecayedWeight<T>(i);
            if (velocity is null)
            {
                (w - g * lr).Store(pass.Weights, i);
                return;
            }
            var v = T.Load(velocity, i) * momentum - g * lr;
            v.Store(velocity, i);
            (nesterov ? w + (v * momentum - g * lr) : w + v).Store(pass.Weights, i);
        }
    }

    private protected override void AddConfig(Config config)
    {
        config["momentum"] = Momentum;
        config["nesterov"] = Nesterov;
    }

    public static SGD FromConfig(Config config)
    {
        var c = ReadCommon(config, "SGD", "momentum", "nesterov");
        config.RefuseNull("SGD", "momentum");
        return new SGD(c.LearningRate, config.GetDouble("momentum", 0.0), config.GetBool("nesterov", false),
            c.WeightDecay, c.ClipNorm, c.ClipValue, c.GlobalClipNorm, c.Name ?? "SGD");
    }
}
