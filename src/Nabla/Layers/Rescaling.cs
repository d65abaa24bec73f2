using System.Globalization;
using Nabla.Autograd;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Rescaling</c>: outputs = inputs·scale + offset, e.g. <c>new Rescaling(1.0 / 255)</c>. As in Keras 3, scale and
/// offset may each be one number or one per channel (the last axis, channels-last), such as a per-column standardization
/// <c>new Rescaling([std0, std1], [mean0, mean1])</c>; lists of more than one value must have the same length.
/// </summary>
public sealed class Rescaling : Layer
{
    public Rescaling(double scale, double offset = 0, int[]? inputShape = null, string? name = null)
        : this([scale], [offset], inputShape, name) { }

    public Rescaling(IReadOnlyList<double> scale, IReadOnlyList<double> offset, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        Check(scale, "scale");
        Check(offset, "offset");
        if (scale.Count > 1 && offset.Count > 1 && scale.Count != offset.Count)
            throw new ArgumentException(
                $"Rescaling: 'scale' has {scale.Count} values and 'offset' {offset.Count}; give one value, or one per channel for both.");
        Scale = [.. scale];
        Offset = [.. offset];
        scaleValues = [.. scale.Select(v => (float)v)];
        offsetValues = [.. offset.Select(v => (float)v)];
    }

    private readonly float[] scaleValues, offsetValues;

    public override string ClassName => "Rescaling";

    /// <summary>One value for every input, or one per channel (last axis).</summary>
    public IReadOnlyList<double> Scale { get; }

    /// <summary>One value for every input, or one per channel (last axis).</summary>
    public IReadOnlyList<double> Offset { get; }

    /// <summary>The number of channels scale or offset gives values for; 1 when both are single numbers.</summary>
    public int Channels => Math.Max(Scale.Count, Offset.Count);

    /// <summary>Element-wise: any axis may be unknown but the channels one that per-channel values must match.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => Channels == 1 || axis < rank - 1;

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (Channels > 1 && (inputShape.Length == 0 || inputShape[^1] != Channels))
            throw new ArgumentException(
                $"Layer '{Name}' (Rescaling) has {Channels} per-channel values, but its input's last axis is " +
                $"{(inputShape.Length == 0 ? "missing" : inputShape[^1].ToString(CultureInfo.InvariantCulture))} (input shape [{string.Join(", ", inputShape)}]).");
        return inputShape;
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        // ComputeOutputShape says what is wrong; the per-sample shape is only copied for that message.
        if (Channels > 1 && (inputs.Rank < 2 || inputs.Shape[^1] != Channels)) ComputeOutputShape(inputs.Shape[1..]);
        return Op.Record(new ScaleShiftOp(inputs, scaleValues, offsetValues));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["scale"] = Written(Scale);
        config["offset"] = Written(Offset);
        return config;
    }

    /// <summary>Reads a number, a list of numbers, or an array as Keras 3's serialization writes one
    /// (<c>{"class_name": "__numpy__", "config": {"value": ...}}</c>, or <c>"__tensor__"</c>), for each of scale and offset.</summary>
    public static Rescaling FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "Rescaling", "offset");
        return new Rescaling(Values(config, "scale", fallback: null), Values(config, "offset", fallback: 0.0), inputShape, name);
    }

    private static object Written(IReadOnlyList<double> values) => values.Count == 1 ? values[0] : values.Select(v => (object?)v).ToList();

    /// <param name="fallback">Keras's default when the key is absent; null for a required key (scale has no default).</param>
    private static IReadOnlyList<double> Values(Config config, string key, double? fallback)
    {
        if (!config.TryGet(key, out var value)) return fallback is double given ? [given] : [config.GetDouble(key)];
        // Keras 3 writes a NumPy array (or a backend tensor) as its values under a marker; a 0-d one holds a single number.
        if (value is Config wrapper && wrapper.GetString("class_name", null) is "__numpy__" or "__tensor__"
            && wrapper.GetConfig("config") is { } inner && inner.TryGet("value", out var array))
            value = array;
        return value switch
        {
            double or long or int or float => [Convert.ToDouble(value, CultureInfo.InvariantCulture)],
            IEnumerable<object?> list when value is not string => list.Select((item, i) => item switch
            {
                double d => d, long l => l, int n => n, float f => f,
                _ => throw new ArgumentException($"Rescaling: '{key}' entry {i} must be a number, found {Config.Describe(item)}."),
            }).ToList(),
            _ => [config.GetDouble(key)], // refuses with the key, what it must be and what was found
        };
    }

    private static void Check(IReadOnlyList<double> values, string what)
    {
        if (values.Count == 0) throw new ArgumentException($"Rescaling: '{what}' needs at least one value.");
        for (int i = 0; i < values.Count; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"Rescaling: '{what}' value {i} must be finite, found {values[i].ToString(CultureInfo.InvariantCulture)}.");
    }
}
