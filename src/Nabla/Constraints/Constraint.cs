using Nabla.Configuration;

namespace Nabla.Constraints;

/// <summary>
/// Keras's weight constraints (keras/src/constraints/constraints.py): after every optimizer step the weight is replaced
/// by constraint(weight), as Keras's optimizer does for each trainable variable that has one. Norms are taken over
/// <c>axis</c> (Keras's default 0: for a Dense kernel [in, out], each unit's incoming weights), with Keras's epsilon 1e-7.
/// </summary>
public abstract class Constraint : IKerasSerializable
{
    /// <summary>Keras's backend epsilon, added to the norms it divides by.</summary>
    private protected const double Epsilon = 1e-7;

    public abstract string ClassName { get; }

    /// <summary>Replaces <paramref name="weight"/>'s values by the constraint's projection of them.</summary>
    public abstract void Apply(Tensor weight);

    public abstract Config GetConfig();

    public static readonly Registry<Constraint> Registry = new Registry<Constraint>("constraint")
        .Add("MaxNorm", c => new MaxNorm(ReadBound(c, "MaxNorm", "max_value", 2), ReadAxes(c, "MaxNorm")), "max_norm")
        .Add("NonNeg", _ => new NonNeg(), "non_neg")
        .Add("UnitNorm", c => new UnitNorm(ReadAxes(c, "UnitNorm")), "unit_norm")
        .Add("MinMaxNorm", c => new MinMaxNorm(ReadBound(c, "MinMaxNorm", "min_value", 0), ReadBound(c, "MinMaxNorm", "max_value", 1),
                ReadBound(c, "MinMaxNorm", "rate", 1), ReadAxes(c, "MinMaxNorm")),
            "min_max_norm");

    public static Constraint Get(string name) => Registry.Get(name);

    /// <summary>The constraint under <paramref name="key"/> of a layer config (a name, or {"class_name", "config"}); null
    /// when the key is absent or null.</summary>
    public static Constraint? Read(Config config, string key) => config.TryGet(key, out var spec) ? Registry.Deserialize(spec!) : null;

    /// <summary>A config entry for <paramref name="constraint"/>, null when there is none.</summary>
    public static Config? SerializeOrNull(Constraint? constraint) => constraint is null ? null : Registry<Constraint>.Serialize(constraint);

    /// <summary>Makes a custom constraint loadable from configs by its class name, as Keras's register_keras_serializable.</summary>
    public static void Register(string className, Func<Config, Constraint> fromConfig, params string[] aliases) =>
        Registry.Register(className, fromConfig, aliases);

    /// <summary>A constraint's axis, Keras's default 0 when absent. Keras's None axis takes the norm over the whole
    /// weight, which these constraints do not, so null is refused.</summary>
    private static int[] ReadAxes(Config config, string className)
    {
        config.RefuseNull(className, "axis");
        return !config.TryGet("axis", out var axis) ? [0] : axis is IEnumerable<object?> ? config.GetIntArray("axis")! : [config.GetInt("axis")];
    }

    /// <summary>A norm bound or rate, <paramref name="fallback"/> when absent; Keras clips and scales with it and fails
    /// on None, so null is refused.</summary>
    private static double ReadBound(Config config, string className, string key, double fallback)
    {
        config.RefuseNull(className, key);
        return config.GetDouble(key, fallback);
    }

    private protected static object AxesConfig(int[] axes) => axes.Length == 1 ? (long)axes[0] : axes.Select(a => (object?)(long)a).ToList();

    /// <summary>Multiplies each group of <paramref name="weight"/> (the values that differ only along <paramref name="axes"/>)
    /// by <paramref name="scale"/>(its L2 norm).</summary>
    private protected static void ScaleByNorm(Tensor weight, int[] axes, Func<double, double> scale)
    {
        var shape = weight.Shape;
        var reduced = new bool[shape.Length];
        foreach (int a in axes)
        {
            int axis = a < 0 ? a + shape.Length : a;
            if (axis < 0 || axis >= shape.Length)
                throw new ArgumentException($"Constraint axis {a} is out of range for a weight of shape {Tensor.ShapeString(shape)}.");
            reduced[axis] = true;
        }
        var group = new int[weight.Size];
        var norms = new double[weight.Size];
        for (int i = 0; i < weight.Size; i++)
        {
            // The group index: the flat index with the reduced axes' coordinates dropped.
            int rest = i, id = 0, stride = 1;
            for (int axis = shape.Length - 1; axis >= 0; axis--)
            {
                int coordinate = rest % shape[axis];
                rest /= shape[axis];
                if (reduced[axis]) continue;
                id += coordinate * stride;
                stride *= shape[axis];
            }
            group[i] = id;
            norms[id] += (double)weight.Data[i] * weight.Data[i];
        }
        for (int i = 0; i < weight.Size; i++) weight.Data[i] = (float)(weight.Data[i] * scale(Math.Sqrt(norms[group[i]])));
    }
}

/// <summary>Keras's <c>MaxNorm(max_value=2, axis=0)</c>: each group's norm is capped at max_value,
/// w·clip(‖w‖, 0, max)/(ε + ‖w‖).</summary>
public sealed class MaxNorm(double maxValue = 2, int[]? axis = null) : Constraint
{
    public double MaxValue { get; } = maxValue >= 0 ? maxValue : throw new ArgumentException($"MaxNorm 'max_value' must be >= 0, found {maxValue}.", nameof(maxValue));

    public int[] Axis { get; } = axis ?? [0];

    public override string ClassName => "MaxNorm";

    public override void Apply(Tensor weight) => ScaleByNorm(weight, Axis, norm => Math.Clamp(norm, 0, MaxValue) / (Epsilon + norm));

    public override Config GetConfig() => new() { ["max_value"] = MaxValue, ["axis"] = AxesConfig(Axis) };
}

/// <summary>Keras's <c>NonNeg</c>: negative values become 0.</summary>
public sealed class NonNeg : Constraint
{
    public override string ClassName => "NonNeg";

    public override void Apply(Tensor weight)
    {
        for (int i = 0; i < weight.Size; i++) weight.Data[i] = weight.Data[i] >= 0 ? weight.Data[i] : 0f;
    }

    public override Config GetConfig() => [];
}

/// <summary>Keras's <c>UnitNorm(axis=0)</c>: each group is divided by ε + its norm.</summary>
public sealed class UnitNorm(int[]? axis = null) : Constraint
{
    public int[] Axis { get; } = axis ?? [0];

    public override string ClassName => "UnitNorm";

    public override void Apply(Tensor weight) => ScaleByNorm(weight, Axis, norm => 1 / (Epsilon + norm));

    public override Config GetConfig() => new() { ["axis"] = AxesConfig(Axis) };
}

/// <summary>Keras's <c>MinMaxNorm(min_value=0, max_value=1, rate=1, axis=0)</c>: each group's norm moves to
/// rate·clip(‖w‖, min, max) + (1 − rate)·‖w‖.</summary>
public sealed class MinMaxNorm(double minValue = 0, double maxValue = 1, double rate = 1, int[]? axis = null) : Constraint
{
    public double MinValue { get; } = minValue >= 0 && minValue <= maxValue ? minValue
        : throw new ArgumentException($"MinMaxNorm needs 0 <= min_value <= max_value, found {minValue} and {maxValue}.", nameof(minValue));

    public double MaxValue { get; } = maxValue;

    public double Rate { get; } = rate;

    public int[] Axis { get; } = axis ?? [0];

    public override string ClassName => "MinMaxNorm";

    public override void Apply(Tensor weight) =>
        ScaleByNorm(weight, Axis, norm => (Rate * Math.Clamp(norm, MinValue, MaxValue) + (1 - Rate) * norm) / (Epsilon + norm));

    public override Config GetConfig() => new() { ["min_value"] = MinValue, ["max_value"] = MaxValue, ["rate"] = Rate, ["axis"] = AxesConfig(Axis) };
}
