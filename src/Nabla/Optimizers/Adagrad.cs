using System.Runtime.CompilerServices;
using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>
/// Keras 3 <c>Adagrad</c> (defaults: learning_rate 0.001, initial_accumulator_value 0.1, epsilon 1e-7).
/// Update, from Keras's <c>adagrad.py</c>, with the accumulator starting at initial_accumulator_value:
/// <code>
/// accumulator += g²
/// w −= lr·g / sqrt(accumulator + epsilon)
/// </code>
/// </summary>
public sealed class Adagrad : Optimizer
{
    private float lr;

    public Adagrad(LearningRateOrSchedule? learningRate = null, double initialAccumulatorValue = 0.1,
        double epsilon = 1e-7, double? weightDecay = null, double? clipNorm = null, double? clipValue = null,
        double? globalClipNorm = null, string name = "adagrad")
        : base(learningRate ?? 0.001, weightDecay, clipNorm, clipValue, globalClipNorm, name)
    {
        // Keras doc: "Starting value for the accumulators ... Must be non-negative."
        InitialAccumulatorValue = CheckEpsilon(initialAccumulatorValue, "initial_accumulator_value");
        Epsilon = CheckEpsilon(epsilon);
    }

    public override string ClassName => "Adagrad";

    public double InitialAccumulatorValue { get; }
    public double Epsilon { get; }

    private protected override IReadOnlyList<string> StateNames => Names;

    private static readonly string[] Names = ["accumulator"];

    private protected override float InitialStateValue(int index) => (float)InitialAccumulatorValue;

    private protected override void BeginStep(double learningRate) => lr = (float)learningRate;

    private protected override void UpdateParameter(in ParameterPass pass, ParameterState state, int start, int end)
    {
        var rule = new Rule(pass, state[0], lr, (float)Epsilon);
        UpdateLoop.Run(rule, start, end);
    }

    private readonly struct Rule(ParameterPass pass, float[] accumulator, float lr, float epsilon) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var g = pass.Gradient<T>(i);
            var w = pass.DecayedWeight<T>(i);
            var a = T.Load(accumulator, i) + T.SquareFlushed(g);
            a.Store(accumulator, i);
            (w - g * lr / T.Sqrt(a + epsilon)).Store(pass.Weights, i);
        }
    }

    private protected override void AddConfig(Config config)
    {
        config["initial_accumulator_value"] = InitialAccumulatorValue;
        config["epsilon"] = Epsilon;
    }

    public static Adagrad FromConfig(Config config)
    {
        var c = ReadCommon(config, "Adagrad", "initial_accumulator_value", "epsilon");
        config.RefuseNull("Adagrad", "initial_accumulator_value");
        return new Adagrad(c.LearningRate, config.GetDouble("initial_accumulator_value", 0.1),
            config.GetDouble("epsilon", 1e-7), c.WeightDecay, c.ClipNorm, c.ClipValue, c.GlobalClipNorm,
            c.Name ?? "adagrad");
    }
}
