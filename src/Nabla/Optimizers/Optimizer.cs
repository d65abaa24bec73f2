using Nabla.Autograd;
using System.Numerics.Tensors;
using Nabla.Optimizers.Schedules;
using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>
/// Keras 3's optimizer base: a learning rate (fixed or scheduled), the <c>iterations</c> counter, gradient
/// clipping (<c>clipnorm</c>, <c>clipvalue</c>, <c>global_clipnorm</c>; at most one) and optional decoupled
/// <c>weight_decay</c>. <see cref="Apply(IReadOnlyList{Tensor})"/> updates each parameter from its <see cref="Tensor.Grad"/> in one fused
/// vectorized pass and allocates nothing once every parameter's state (moments) exists.
/// </summary>
/// <remarks>
/// Order of one step, as Keras's <c>apply</c>: clip the gradients, decay the weights by <c>w·weight_decay·lr</c>,
/// run the optimizer's update, then add 1 to <see cref="Iterations"/>. <see cref="Tensor.Grad"/> is never written:
/// Keras clips a copy of the gradient, and here the clipped values exist only inside the update pass.
/// </remarks>
public abstract partial class Optimizer : IKerasSerializable, IEarlyWeightUpdate
{
    private double learningRate;
    private readonly LearningRateSchedule? schedule;
    private double? clipNorm, clipValue, globalClipNorm;
    private long iterations;
    private readonly Dictionary<Tensor, ParameterState> states = new(ReferenceEqualityComparer.Instance);

    /// <summary>The state of every parameter seen so far (enumerated without allocating).</summary>
    private protected Dictionary<Tensor, ParameterState>.ValueCollection ParameterStates => states.Values;

    private protected Optimizer(LearningRateOrSchedule learningRate, double? weightDecay, double? clipNorm,
        double? clipValue, double? globalClipNorm, string name)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        ArgumentNullException.ThrowIfNull(name);
        if (learningRate.Schedule is null) CheckLearningRate(learningRate.Value);
        if (weightDecay is { } wd && (!double.IsFinite(wd) || wd < 0))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), wd, $"Argument `weight_decay` must be a finite number >= 0 or null. Received: {wd}.");
        CheckClipping(clipNorm, clipValue, globalClipNorm);
        this.learningRate = learningRate.Value;
        schedule = learningRate.Schedule;
        WeightDecay = weightDecay;
        this.clipNorm = clipNorm;
        this.clipValue = clipValue;
        this.globalClipNorm = globalClipNorm;
        Name = name;
    }

    public abstract string ClassName { get; }

    /// <summary>Keras's <c>name</c>, e.g. "adam".</summary>
    public string Name { get; }

    /// <summary>
    /// The learning rate. With a fixed rate it is settable (callbacks such as ReduceLROnPlateau change it); with a
    /// schedule it reads as <see cref="CurrentLearningRate"/> and setting it throws, as in Keras.
    /// </summary>
    public double LearningRate
    {
        get => schedule is null ? learningRate : schedule.At(iterations) * ScheduleScale;
        set
        {
            if (schedule is not null)
                throw new InvalidOperationException(
                    $"This {ClassName} optimizer was created with a LearningRateSchedule ({schedule.ClassName}) as its " +
                    "learning rate, so its learning rate is not settable. Create the optimizer with a number as " +
                    "`learningRate` to be able to change it.");
            CheckLearningRate(value);
            learningRate = value;
        }
    }

    /// <summary>A factor on every rate the schedule gives (1 otherwise): the training doctor's learning-rate probe trains
    /// throwaway copies of a model at a tenth and ten times its rate, and a schedule's rate cannot be set.</summary>
    internal double ScheduleScale { get; set; } = 1;

    /// <summary>The schedule given as learning rate, or null for a fixed learning rate.</summary>
    public LearningRateSchedule? Schedule => schedule;

    /// <summary>The learning rate the next <see cref="Apply(IReadOnlyList{Tensor})"/> will use: the schedule evaluated at <see cref="Iterations"/>.</summary>
    public double CurrentLearningRate => LearningRate;

    /// <summary>The most <see cref="Iterations"/> may hold: 2^53, the last step count a double (which the
    /// learning-rate schedules and bias corrections compute with) represents exactly; far from wrapping around.</summary>
    public const long MaxIterations = 1L << 53;

    /// <summary>Keras's <c>iterations</c>: how many steps have been applied.</summary>
    public long Iterations
    {
        get => iterations;
        set => iterations = value is >= 0 and <= MaxIterations ? value
            : throw new ArgumentOutOfRangeException(nameof(Iterations), value, $"Optimizer 'iterations' must be in [0, {MaxIterations}] (2^53), found {value}.");
    }

    /// <summary>Keras's <c>weight_decay</c>: before each update, <c>w -= w·weight_decay·lr</c>. Null for none.</summary>
    public double? WeightDecay { get; }

    /// <summary>Keras's <c>clipnorm</c>: each gradient is scaled to an L2 norm of at most this value.</summary>
    public double? ClipNorm
    {
        get => clipNorm;
        set { CheckClipping(value, clipValue, globalClipNorm); clipNorm = value; }
    }

    /// <summary>Keras's <c>clipvalue</c>: each gradient element is clipped to [−value, value].</summary>
    public double? ClipValue
    {
        get => clipValue;
        set { CheckClipping(clipNorm, value, globalClipNorm); clipValue = value; }
    }

    /// <summary>Keras's <c>global_clipnorm</c>: all gradients are scaled together to a global L2 norm of at most this value.</summary>
    public double? GlobalClipNorm
    {
        get => globalClipNorm;
        set { CheckClipping(clipNorm, clipValue, value); globalClipNorm = value; }
    }

    /// <summary>
    /// One optimizer step: updates every parameter from its <see cref="Tensor.Grad"/> and adds 1 to
    /// <see cref="Iterations"/>. A parameter whose Grad is null received no gradient and is left untouched
    /// (never treated as a zero gradient). As in Keras, an empty list does nothing and a list where no
    /// parameter has a gradient throws. Returns false, with every weight, state value and
    /// <see cref="Iterations"/> as before the call, when the update would have made one of them NaN or ±Inf.
    /// </summary>
    public bool Apply(IReadOnlyList<Tensor> parameters) => Apply(parameters, null);

    /// <summary>Keras's names of the state arrays (moments) each parameter carries, each at its
    /// <see cref="StateShape"/>: "momentum", "velocity"... They name the arrays when a model is saved with its
    /// optimizer state.</summary>
    private protected abstract IReadOnlyList<string> StateNames { get; }

    private int StateCount => StateNames.Count;

    /// <summary>The starting value of state array <paramref name="index"/> (Adagrad starts its accumulator above 0).</summary>
    private protected virtual float InitialStateValue(int index) => 0f;

    /// <summary>Computes this step's scalars (bias corrections...) from the learning rate and <see cref="Iterations"/>.</summary>
    private protected abstract void BeginStep(double learningRate);

    /// <summary>Runs the update rule over elements [<paramref name="start"/>, <paramref name="end"/>) of one parameter
    /// (all of it, or one thread's share).</summary>
    private protected abstract void UpdateParameter(in ParameterPass pass, ParameterState state, int start, int end);

    /// <summary>The optimizer's own config keys (beta_1, momentum...), added after the common ones.</summary>
    private protected abstract void AddConfig(Config config);

    public Config GetConfig()
    {
        var config = new Config
        {
            ["name"] = Name,
            ["learning_rate"] = schedule is null ? learningRate : LearningRateSchedules.Serialize(schedule),
            ["weight_decay"] = WeightDecay,
            ["clipnorm"] = clipNorm,
            ["global_clipnorm"] = globalClipNorm,
            ["clipvalue"] = clipValue,
            // Keras features Nabla does not implement, written with their "off" values so Keras reads the config.
            ["use_ema"] = false,
            ["ema_momentum"] = 0.99,
            ["ema_overwrite_frequency"] = null,
            ["loss_scale_factor"] = null,
            ["gradient_accumulation_steps"] = null,
        };
        AddConfig(config);
        return config;
    }

    public override string ToString() => $"{ClassName}(learning_rate={LearningRate}, iterations={iterations})";

    private ParameterState StateOf(Tensor parameter)
    {
        if (states.TryGetValue(parameter, out var state)) return state;
        var shapes = new int[StateCount][];
        for (int i = 0; i < shapes.Length; i++) shapes[i] = StateShape(parameter.Shape, StateNames[i]);
        state = new ParameterState(parameter.Shape, shapes) { Scratch = NewScratch(parameter.Shape) };
        for (int i = 0; i < state.Count; i++)
        {
            float initial = InitialStateValue(i);
            if (initial != 0f) Array.Fill(state[i], initial);
        }
        states.Add(parameter, state);
        return state;
    }

    private void ValidateGradients(IReadOnlyList<Tensor> parameters)
    {
        bool any = false;
        for (int p = 0; p < parameters.Count; p++)
        {
            var parameter = parameters[p] ?? throw new ArgumentException($"parameters[{p}] is null.", nameof(parameters));
            if (parameter.Grad is not { } grad) continue;
            if (!Tensor.SameShape(grad.Shape, parameter.Shape))
                throw new ArgumentException(
                    $"Parameter {Describe(parameter, p)} has shape {Tensor.ShapeString(parameter.Shape)} but its gradient " +
                    $"has shape {Tensor.ShapeString(grad.Shape)}.", nameof(parameters));
            any = true;
        }
        if (!any) throw NoGradients(parameters);
    }

    // Kept out of ValidateGradients: a lambda capturing `parameters` there would allocate its closure on every call.
    private static InvalidOperationException NoGradients(IReadOnlyList<Tensor> parameters) => new(
        $"No gradients provided for any parameter ({string.Join(", ", parameters.Select(Describe))}). " +
        "Check that the loss depends on them through differentiable operations.");

    private static string Describe(Tensor parameter, int index) => parameter.Name is { } name ? $"'{name}'" : $"#{index}";

    /// <summary>Keras <c>_clip_by_norm</c>: g·clipnorm / max(‖g‖₂, clipnorm), as one factor.</summary>
    private static float ClipScale(float[] gradient, double clip)
    {
        double norm = Math.Sqrt(TensorPrimitives.SumOfSquares<float>(gradient));
        return (float)(clip / Math.Max(norm, clip));
    }

    /// <summary>
    /// Keras <c>clip_by_global_norm</c>: scale = clip · min(1/‖g‖, 1/clip) + (‖g‖ − ‖g‖); a NaN or infinite global
    /// norm makes the scale NaN, so the weights show the problem instead of silently skipping it.
    /// </summary>
    private static float GlobalClipScale(IReadOnlyList<Tensor> parameters, double clip)
    {
        double sumOfSquares = 0;
        for (int p = 0; p < parameters.Count; p++)
            if (parameters[p].Grad is { } grad) sumOfSquares += TensorPrimitives.SumOfSquares<float>(grad.Data);
        double norm = Math.Sqrt(sumOfSquares);
        return (float)(clip * Math.Min(1.0 / norm, 1.0 / clip) + (norm - norm));
    }

    private static void CheckLearningRate(double value)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException("learningRate", value,
                $"Argument `learning_rate` must be a finite number >= 0 or a LearningRateSchedule. Received: {value}.");
    }

    private static void CheckClipping(double? clipNorm, double? clipValue, double? globalClipNorm)
    {
        CheckPositive(clipNorm, "clipnorm");
        CheckPositive(clipValue, "clipvalue");
        CheckPositive(globalClipNorm, "global_clipnorm");
        int set = (clipNorm.HasValue ? 1 : 0) + (clipValue.HasValue ? 1 : 0) + (globalClipNorm.HasValue ? 1 : 0);
        if (set > 1)
            throw new ArgumentException(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. " +
                $"Received: clipnorm={Show(clipNorm)}, clipvalue={Show(clipValue)}, global_clipnorm={Show(globalClipNorm)}.");
    }

    private static void CheckPositive(double? value, string argument)
    {
        if (value is { } v && !(v > 0 && double.IsFinite(v)))
            throw new ArgumentOutOfRangeException(argument, v, $"Argument `{argument}` must be a finite number > 0 or null. Received: {v}.");
    }

    private static string Show(double? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None";

    /// <summary>Checks that a decay rate such as beta_1 lies in [0, 1) (or [0, 1] when <paramref name="allowOne"/>).</summary>
    private protected static double CheckFraction(double value, string argument, bool allowOne = false)
    {
        bool ok = value >= 0 && (allowOne ? value <= 1 : value < 1);
        if (!ok)
            throw new ArgumentOutOfRangeException(argument, value,
                $"Argument `{argument}` must be in [0, 1{(allowOne ? "]" : ")")}. Received: {value}.");
        return value;
    }

    private protected static double CheckEpsilon(double value, string argument = "epsilon")
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(argument, value, $"Argument `{argument}` must be a finite number >= 0. Received: {value}.");
        return value;
    }

    /// <summary>Throws unless <paramref name="value"/> is a finite number at most 0 (a decay exponent or power); the
    /// message adds <paramref name="why"/> in brackets when given.</summary>
    private protected static double CheckFiniteAtMostZero(double value, string argument, string? why = null)
    {
        if (!(value <= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(argument, value,
                $"Argument `{argument}` must be a finite number <= 0{(why is null ? "" : $" ({why})")}. Received: {value}.");
        return value;
    }

    // ---- config reading shared by every optimizer's FromConfig ----

    private static readonly string[] CommonKeys =
    [
        "name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema",
        "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps", "decay",
        "jit_compile", "is_legacy_optimizer",
    ];

    /// <summary>The base-optimizer arguments of a Keras config. Null members mean "not in the config".</summary>
    private protected readonly record struct CommonArguments(
        LearningRateOrSchedule? LearningRate, double? WeightDecay, double? ClipNorm, double? ClipValue,
        double? GlobalClipNorm, string? Name);

    /// <summary>
    /// Reads the common keys and rejects unknown ones (Keras: "Argument(s) not recognized") and Keras features
    /// Nabla does not implement when they are switched on, rather than silently ignoring them.
    /// </summary>
    private protected static CommonArguments ReadCommon(Config config, string className, params string[] ownKeys)
    {
        ArgumentNullException.ThrowIfNull(config);
        StrictConfig.RequireOnly(config, className, [.. CommonKeys, .. ownKeys]);
        // tf.keras 2.11+ writes these; without effect: XLA compilation of the same update, and which class family wrote it.
        config.MarkWithoutEffect("jit_compile", "is_legacy_optimizer");
        // Keras makes a variable of the learning rate and fails on None. (A None epsilon, by contrast, is Keras 2's
        // backend epsilon, 1e-7, the default, and the None clip and decay options mean "none".)
        config.RefuseNull(className, "learning_rate");
        if (config.GetBool("use_ema", false))
            throw new NotSupportedException($"{className} config sets use_ema=true; Nabla does not implement the weights' moving average (EMA).");
        // They tune the moving average, which is off.
        config.MarkWithoutEffect("ema_momentum", "ema_overwrite_frequency");
        if (config.TryGet("loss_scale_factor", out var scale))
            throw new NotSupportedException($"{className} config sets loss_scale_factor={Config.Describe(scale)}; Nabla does not implement loss scaling.");
        if (config.TryGet("gradient_accumulation_steps", out var steps))
            throw new NotSupportedException($"{className} config sets gradient_accumulation_steps={Config.Describe(steps)}; Nabla does not implement gradient accumulation.");
        if (config.GetDouble("decay", 0) != 0)
            throw new NotSupportedException($"{className} config sets decay={config["decay"]}; Keras 3 no longer supports `decay`: use a LearningRateSchedule.");

        LearningRateOrSchedule? lr = null;
        if (config.TryGet("learning_rate", out var rawLr))
            lr = rawLr is Config nested ? LearningRateSchedules.Deserialize(nested) : config.GetDouble("learning_rate");
        return new CommonArguments(lr, Nullable(config, "weight_decay"), Nullable(config, "clipnorm"),
            Nullable(config, "clipvalue"), Nullable(config, "global_clipnorm"), config.GetString("name", null));
    }

    private static double? Nullable(Config config, string key) => config.TryGet(key, out _) ? config.GetDouble(key) : null;
}
