using System.Globalization;
using Nabla.Autograd;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Discretization</c> (keras/src/layers/preprocessing/discretization.py): each value goes to the bucket of
/// <c>bin_boundaries</c> it falls in, (−inf, b0), [b0, b1), ..., [b_last, +inf): a value equal to a boundary goes to the
/// upper bucket, as TensorFlow's <c>Bucketize</c> and NumPy's <c>digitize</c>, and NaN to the last. "int" (Keras's
/// default) outputs the bucket indices in the input's shape; "one_hot", "multi_hot" and "count" encode them over
/// len(bin_boundaries) + 1 slots. <see cref="Adapt"/> computes num_bins − 1 boundaries as Keras's adapt does on one array
/// (<see cref="QuantileBins"/>).
/// </summary>
/// <remarks>Differences from Keras: values are compared with the boundaries in float32 (TensorFlow's Bucketize takes
/// float32 boundaries; Keras's NumPy backend compares in float64, which differs only for an input lying between a
/// boundary and its float32 rounding); Adapt takes one array, not a dataset of batches, and refuses NaN and infinite
/// values; sparse outputs are not supported.</remarks>
public sealed class Discretization : TokenLayer
{
    private double[]? boundaries;
    private float[] comparedBoundaries = [];

    /// <param name="binBoundaries">Keras's <c>bin_boundaries</c>, increasing; give them or <paramref name="numBins"/>.</param>
    /// <param name="numBins">Keras's <c>num_bins</c>: how many bins <see cref="Adapt"/> computes.</param>
    /// <param name="epsilon">Keras's <c>epsilon</c> (0.01): the summary's precision in adapt; null as Keras's None, which
    /// only adapt refuses.</param>
    /// <param name="outputMode">"int" (Keras's default), "one_hot", "multi_hot" or "count".</param>
    public Discretization(IReadOnlyList<double>? binBoundaries = null, int? numBins = null, double? epsilon = 0.01,
        string outputMode = "int", bool sparse = false, int[]? inputShape = null, string? name = null)
        : base(TokenOutputModes.Parse("Discretization" + (name is null ? "" : $" '{name}'"), outputMode, deprecatedNames: false,
            TokenOutputMode.Int, TokenOutputMode.OneHot, TokenOutputMode.MultiHot, TokenOutputMode.Count), name, inputShape)
    {
        RefuseSparse(sparse);
        if (numBins is < 0)
            throw new ArgumentException($"{Owner}: 'num_bins' must be >= 0, found {numBins}.", nameof(numBins));
        if (numBins is not null && binBoundaries is not null)
            throw new ArgumentException(
                $"{Owner}: give 'num_bins' (and call Adapt) or 'bin_boundaries', not both (num_bins={numBins}, " +
                $"{binBoundaries.Count} bin_boundaries).");
        if (numBins is null && binBoundaries is null)
            throw new ArgumentException($"{Owner}: give 'bin_boundaries', or 'num_bins' and call Adapt; neither was given.");
        NumBins = numBins;
        Epsilon = epsilon;
        if (binBoundaries is not null) SetBoundaries(binBoundaries, "given");
    }

    public override string ClassName => "Discretization";

    /// <summary>Keras's <c>num_bins</c>; null when the boundaries were given.</summary>
    public int? NumBins { get; }

    /// <summary>Keras's <c>epsilon</c>.</summary>
    public double? Epsilon { get; }

    /// <summary>The bucket boundaries, given or adapted; null before <see cref="Adapt"/>.</summary>
    public IReadOnlyList<double>? BinBoundaries => boundaries;

    private protected override int? KnownDepth => boundaries is null ? null : boundaries.Length + 1;

    private protected override bool IsReady => boundaries is not null;

    private protected override string NotReady =>
        $"{Owner} has no bin boundaries yet: call Adapt(data) (num_bins = {NumBins}) or give 'bin_boundaries'.";

    private void SetBoundaries(IReadOnlyList<double> values, string origin)
    {
        for (int i = 0; i < values.Count; i++)
            if (!double.IsFinite(values[i]) || (i > 0 && !(values[i] >= values[i - 1])))
                throw new ArgumentException(
                    $"{Owner}: {origin} 'bin_boundaries'[{i}] is {values[i].ToString(CultureInfo.InvariantCulture)}; the boundaries " +
                    "must be finite and increasing.");
        CheckDepthUnchanged(values.Count + 1);
        boundaries = [.. values];
        comparedBoundaries = [.. values.Select(v => (float)v)];
    }

    /// <summary>Keras's <c>adapt</c>: num_bins − 1 boundaries from the quantiles of every value of
    /// <paramref name="data"/> (all features together, as Keras flattens the data), computed as Keras computes them on one
    /// array. Needs num_bins; refuses empty data and NaN or infinite values.</summary>
    public void Adapt(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (NumBins is not int numBins)
            throw new InvalidOperationException($"{Owner} was given 'bin_boundaries'; as in Keras, only a layer made with 'num_bins' adapts.");
        if (numBins < 1)
            throw new InvalidOperationException($"{Owner}: 'num_bins' is {numBins}; Adapt needs at least 1 bin.");
        if (Epsilon is not double epsilon || !(epsilon > 0 && double.IsFinite(epsilon)))
            throw new InvalidOperationException(
                $"{Owner}: 'epsilon' is {(Epsilon is double e ? e.ToString(CultureInfo.InvariantCulture) : "null (Keras's None)")}; " +
                "Adapt needs a finite number > 0.");
        if (data.Size == 0)
            throw new ArgumentException($"{Owner}: Adapt needs a non-empty data set, got shape {Tensor.ShapeString(data.Shape)}.");
        for (int i = 0; i < data.Size; i++)
            if (!float.IsFinite(data.Data[i]))
                throw new ArgumentException($"{Owner}: Adapt found {data.Data[i].ToString(CultureInfo.InvariantCulture)} at flat index {i}; it takes finite values.");
        SetBoundaries(QuantileBins.Boundaries(data.Data, epsilon, numBins), "adapted");
    }

    internal override void ToIndices(ReadOnlySpan<float> values, Span<int> indices, int[] shape)
    {
        ReadOnlySpan<float> bounds = comparedBoundaries;
        for (int i = 0; i < values.Length; i++)
        {
            float value = values[i];
            int lo = 0, hi = bounds.Length; // the first boundary above the value (upper_bound); NaN compares false: the last bucket
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (value < bounds[mid]) hi = mid; else lo = mid + 1;
            }
            indices[i] = lo;
        }
    }

    /// <summary>Keras 3's keys exactly: bin_boundaries, num_bins, epsilon, output_mode, sparse, name, dtype. Keras's
    /// constructor takes no other keyword, so no "trainable" is written (Keras would refuse the config).</summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config.Remove("trainable");
        config["bin_boundaries"] = boundaries?.Select(v => (object?)v).ToList();
        config["num_bins"] = NumBins is int n ? (long)n : null;
        config["epsilon"] = Epsilon;
        config["output_mode"] = OutputMode.KerasName();
        config["sparse"] = false;
        return config;
    }

    /// <summary>Reads Keras 3's config (and tf.keras 2's, the same keys; tf.keras 2.3 named the boundaries "bins"). Both bin_boundaries and num_bins are present
    /// once a layer was adapted: the boundaries are then the adapted ones, as Keras's from_config applies them.</summary>
    public static Discretization FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "Discretization", "output_mode");
        var given = ReadBoundaries(config, name);
        int? numBins = config.TryGet("num_bins", out _) ? config.GetInt("num_bins") : null;
        double? epsilon = !config.ContainsKey("epsilon") ? 0.01 : config.TryGet("epsilon", out _) ? config.GetDouble("epsilon") : null;
        var layer = new Discretization(numBins is null ? given : null, numBins, epsilon,
            config.GetString("output_mode", "int")!, config.GetTruthy("sparse", false), inputShape, name)
        {
            Trainable = config.GetBool("trainable", true),
        };
        if (numBins is not null && given is not null) layer.SetBoundaries(given, "config");
        return layer;
    }

    /// <summary>The boundaries under Keras's "bin_boundaries", or tf.keras 2.3's "bins" where a config has no bin_boundaries.</summary>
    private static List<double>? ReadBoundaries(Config config, string? name)
    {
        string key = config.ContainsKey("bin_boundaries") || !config.ContainsKey("bins") ? "bin_boundaries" : "bins";
        if (!config.TryGet(key, out var value)) return null;
        if (value is not List<object?> list)
            throw new ArgumentException(
                $"Discretization '{name ?? "?"}' config '{key}' is {Config.Describe(value)}; expected a list of numbers.");
        return [.. list.Select((item, i) => item switch
        {
            double d => d,
            long l => l,
            _ => throw new ArgumentException(
                $"Discretization '{name ?? "?"}' config '{key}'[{i}] is {Config.Describe(item)}; expected a number."),
        })];
    }
}
