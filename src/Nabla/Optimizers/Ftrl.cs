using System.Runtime.CompilerServices;
using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>
/// Keras 3 <c>Ftrl</c>, "Follow The Regularized Leader" (defaults: learning_rate 0.001, learning_rate_power −0.5,
/// initial_accumulator_value 0.1, l1/l2/l2_shrinkage regularization strengths 0, beta 0). Update, from Keras's
/// <c>keras/src/optimizers/ftrl.py</c>, with P(n) = n^(−learning_rate_power):
/// <code>
/// l2 = l2_regularization_strength + beta / (2·lr)
/// n' = accumulator + g²
/// linear += g + 2·l2_shrinkage·w − (P(n') − P(accumulator)) / lr · w
/// w = (clip(linear, −l1, l1) − linear) / (P(n') / lr + 2·l2)
/// accumulator = n'
/// </code>
/// </summary>
public sealed class Ftrl : Optimizer
{
    private float lr, twoL2;

    public Ftrl(LearningRateOrSchedule? learningRate = null, double learningRatePower = -0.5,
        double initialAccumulatorValue = 0.1, double l1RegularizationStrength = 0.0,
        double l2RegularizationStrength = 0.0, double l2ShrinkageRegularizationStrength = 0.0, double beta = 0.0,
        double? weightDecay = null, double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null,
        string name = "ftrl")
        : base(learningRate ?? 0.001, weightDecay, clipNorm, clipValue, globalClipNorm, name)
    {
        // ftrl.py's checks: the power <= 0, the accumulator start and the three strengths >= 0.
        LearningRatePower = CheckFiniteAtMostZero(learningRatePower, "learning_rate_power");
        InitialAccumulatorValue = CheckEpsilon(initialAccumulatorValue, "initial_accumulator_value");
        L1RegularizationStrength = CheckEpsilon(l1RegularizationStrength, "l1_regularization_strength");
        L2RegularizationStrength = CheckEpsilon(l2RegularizationStrength, "l2_regularization_strength");
        L2ShrinkageRegularizationStrength = CheckEpsilon(l2ShrinkageRegularizationStrength, "l2_shrinkage_regularization_strength");
        // Keras does not check beta; it only has to be a number.
        Beta = double.IsFinite(beta) ? beta
            : throw new ArgumentOutOfRangeException(nameof(beta), beta, $"Argument `beta` must be finite. Received: {beta}.");
    }

    public override string ClassName => "Ftrl";

    public double LearningRatePower { get; }
    public double InitialAccumulatorValue { get; }
    public double L1RegularizationStrength { get; }
    public double L2RegularizationStrength { get; }
    public double L2ShrinkageRegularizationStrength { get; }
    public double Beta { get; }

    private protected override IReadOnlyList<string> StateNames => Names;

    private static readonly string[] Names = ["accumulator", "linear"];

    // Keras's Ftrl.build: accumulator then linear, for each variable in turn.
    internal override IReadOnlyList<IReadOnlyList<string>> KerasVariableGroups => [Names];

    private protected override float InitialStateValue(int index) => index == 0 ? (float)InitialAccumulatorValue : 0f;

    private protected override void BeginStep(double learningRate)
    {
        lr = (float)learningRate;
        twoL2 = (float)(2 * (L2RegularizationStrength + Beta / (2 * learningRate)));
    }

    private protected override void UpdateParameter(in ParameterPass pass, ParameterState state, int start, int end)
    {
        float l1 = (float)L1RegularizationStrength, twoShrinkage = (float)(2 * L2ShrinkageRegularizationStrength);
        // Keras's default power −0.5 is a square root, and 0 a fixed rate (n^0 = 1): exact there, exp·log otherwise.
        if (LearningRatePower == -0.5)
            UpdateLoop.Run(new Rule<SquareRoot>(pass, state[0], state[1], default, lr, twoL2, l1, twoShrinkage), start, end);
        else if (LearningRatePower == 0)
            UpdateLoop.Run(new Rule<One>(pass, state[0], state[1], default, lr, twoL2, l1, twoShrinkage), start, end);
        else
            UpdateLoop.Run(new Rule<Power>(pass, state[0], state[1], new Power((float)-LearningRatePower), lr, twoL2,
                l1, twoShrinkage), start, end);
    }

    /// <summary>n ↦ n^(−learning_rate_power), specialized for the common powers.</summary>
    private interface IAccumulatorPower
    {
        T Of<T>(T n) where T : struct, ILanes<T>;
    }

    private readonly struct SquareRoot : IAccumulatorPower
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Of<T>(T n) where T : struct, ILanes<T> => T.Sqrt(n);
    }

    private readonly struct One : IAccumulatorPower
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Of<T>(T n) where T : struct, ILanes<T> => T.Broadcast(1f);
    }

    private readonly struct Power(float exponent) : IAccumulatorPower
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Of<T>(T n) where T : struct, ILanes<T> => T.Pow(n, exponent);
    }

    private readonly struct Rule<TPower>(ParameterPass pass, float[] accumulator, float[] linear, TPower power,
        float lr, float twoL2, float l1, float twoShrinkage) : IUpdateRule where TPower : struct, IAccumulatorPower
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var g = pass.Gradient<T>(i);
            var w = pass.DecayedWeight<T>(i);
            var n = T.Load(accumulator, i);
            var newN = n + T.SquareFlushed(g);
            var rate = T.Broadcast(lr);
            var pNew = power.Of(newN);
            var z = T.Load(linear, i) + (g + w * twoShrinkage) - (pNew - power.Of(n)) / rate * w;
            var quadratic = pNew / rate + twoL2;
            var clipped = T.Min(T.Max(z, T.Broadcast(-l1)), T.Broadcast(l1));
            z.Store(linear, i);
            newN.Store(accumulator, i);
            ((clipped - z) / quadratic).Store(pass.Weights, i);
        }
    }

    private protected override void AddConfig(Config config)
    {
        config["learning_rate_power"] = LearningRatePower;
        config["initial_accumulator_value"] = InitialAccumulatorValue;
        config["l1_regularization_strength"] = L1RegularizationStrength;
        config["l2_regularization_strength"] = L2RegularizationStrength;
        config["l2_shrinkage_regularization_strength"] = L2ShrinkageRegularizationStrength;
        config["beta"] = Beta;
    }

    private static readonly string[] OwnKeys =
    [
        "learning_rate_power", "initial_accumulator_value", "l1_regularization_strength", "l2_regularization_strength",
        "l2_shrinkage_regularization_strength", "beta",
    ];

    public static Ftrl FromConfig(Config config)
    {
        var c = ReadCommon(config, "Ftrl", OwnKeys);
        config.RefuseNull("Ftrl", OwnKeys);
        return new Ftrl(c.LearningRate, config.GetDouble("learning_rate_power", -0.5),
            config.GetDouble("initial_accumulator_value", 0.1), config.GetDouble("l1_regularization_strength", 0.0),
            config.GetDouble("l2_regularization_strength", 0.0),
            config.GetDouble("l2_shrinkage_regularization_strength", 0.0), config.GetDouble("beta", 0.0),
            c.WeightDecay, c.ClipNorm, c.ClipValue, c.GlobalClipNorm, c.Name ?? "ftrl");
    }
}
