using Nabla.Configuration;

namespace Nabla.Optimizers.Schedules;

/// <summary>
/// Keras 3 <c>PiecewiseConstantDecay</c>: <c>values[0]</c> while <c>step &lt;= boundaries[0]</c>,
/// <c>values[i]</c> while <c>boundaries[i−1] &lt; step &lt;= boundaries[i]</c>, and the last value after the last
/// boundary.
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] boundaries;
    private readonly double[] values;

    public PiecewiseConstantDecay(IReadOnlyList<long> boundaries, IReadOnlyList<double> values,
        string name = "PiecewiseConstant") : base(name)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (boundaries.Count == 0)
            throw new ArgumentException("Argument `boundaries` must hold at least one step.", nameof(boundaries));
        if (boundaries.Count != values.Count - 1)
            throw new ArgumentException(
                "The length of boundaries should be 1 less than the length of values. " +
                $"Received: {boundaries.Count} boundaries and {values.Count} values.", nameof(values));
        for (int i = 1; i < boundaries.Count; i++)
            if (boundaries[i] <= boundaries[i - 1])
                throw new ArgumentException(
                    $"Argument `boundaries` must be strictly increasing; boundaries[{i}] = {boundaries[i]} follows {boundaries[i - 1]}.",
                    nameof(boundaries));
        for (int i = 0; i < values.Count; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"Argument `values` must be finite numbers; values[{i}] = {values[i]}.", nameof(values));
        this.boundaries = [.. boundaries];
        this.values = [.. values];
    }

    public override string ClassName => "PiecewiseConstantDecay";

    public IReadOnlyList<long> Boundaries => boundaries;
    public IReadOnlyList<double> Values => values;

    public override double At(long step)
    {
        CheckStep(step);
        for (int i = 0; i < boundaries.Length; i++)
            if (step <= boundaries[i]) return values[i];
        return values[^1];
    }

    public override Config GetConfig() => new()
    {
        ["boundaries"] = boundaries.Cast<object?>().ToList(),
        ["values"] = values.Cast<object?>().ToList(),
        ["name"] = Name,
    };

    public static PiecewiseConstantDecay FromConfig(Config config)
    {
        StrictConfig.RequireOnly(config, "PiecewiseConstantDecay", "boundaries", "values", "name");
        var bounds = StrictConfig.GetNumbers(config, "boundaries");
        var longs = new long[bounds.Length];
        for (int i = 0; i < bounds.Length; i++)
        {
            if (bounds[i] != Math.Floor(bounds[i]))
                throw new ArgumentException($"Config key 'boundaries' must hold integer steps; item {i} is {bounds[i]}.");
            longs[i] = (long)bounds[i];
        }
        return new PiecewiseConstantDecay(longs, StrictConfig.GetNumbers(config, "values"),
            config.GetString("name", "PiecewiseConstant")!);
    }
}
