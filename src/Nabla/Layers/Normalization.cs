using Nabla.Autograd;
using Nabla.Initializers;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Normalization</c> preprocessing layer: <c>Adapt(x)</c> learns each feature's mean and
/// variance (last axis); the layer then outputs (x − mean) / max(sqrt(variance), 1e-7), or the inverse
/// with <c>invert</c>. A constant feature therefore maps to 0 instead of NaN. The statistics are layer
/// weights, so the normalization travels with a saved model.
/// </summary>
public sealed class Normalization : Layer
{
    /// <summary>Keras's <c>backend.epsilon()</c>, the floor of the standard deviation.</summary>
    public const double Epsilon = 1e-7;

    private Tensor? mean, variance;
    private readonly float[]? givenMean, givenVariance;
    private float[] scale = [], shift = [];

    public Normalization(bool invert = false, int[]? inputShape = null, string? name = null,
        float[]? mean = null, float[]? variance = null) : base(name, inputShape)
    {
        if ((mean is null) != (variance is null))
            throw new ArgumentException("Normalization: give both 'mean' and 'variance', or neither.");
        if (mean is not null && mean.Length != variance!.Length)
            throw new ArgumentException($"Normalization: 'mean' has {mean.Length} values but 'variance' has {variance.Length}.");
        Invert = invert;
        if (mean is not null) CheckStatistics(mean, variance!, "given");
        givenMean = mean;
        givenVariance = variance;
    }

    public override string ClassName => "Normalization";

    public bool Invert { get; }

    public bool IsAdapted { get; private set; }

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    protected override void BuildWeights(int[] inputShape)
    {
        int features = inputShape[^1];
        if (givenMean is not null && givenMean.Length != features)
            throw new ArgumentException(
                $"Layer '{Name}': {givenMean.Length} mean values given for {features} features.");
        var zeros = Initializer.Get("zeros");
        var ones = Initializer.Get("ones");
        scale = new float[features];
        shift = new float[features];
        mean = AddWeight("mean", [features], zeros, trainable: false);
        variance = AddWeight("variance", [features], ones, trainable: false);
        if (givenMean is not null)
        {
            givenMean.CopyTo(mean.Data, 0);
            givenVariance!.CopyTo(variance.Data, 0);
            IsAdapted = true;
        }
        UpdateScaleShift();
    }

    /// <summary>Computes per-feature mean and (population) variance over every axis but the last.</summary>
    public void Adapt(Tensor data)
    {
        if (data.Rank < 1 || data.Size == 0)
            throw new ArgumentException($"Layer '{Name}': Adapt needs a non-empty data set, got shape {Tensor.ShapeString(data.Shape)}.");
        if (!IsBuilt) Build(data.Shape[1..]);
        int features = data.Shape[^1];
        if (features != mean!.Size)
            throw new ArgumentException($"Layer '{Name}' has {mean.Size} features but Adapt received {features}.");
        int rows = data.Size / features;
        var sum = new double[features];
        var sumSquares = new double[features];
        for (int r = 0; r < rows; r++)
            for (int f = 0; f < features; f++)
            {
                double v = data.Data[r * features + f];
                if (!double.IsFinite(v))
                    throw new ArgumentException($"Layer '{Name}': Adapt found {v} at sample {r}, feature {f}.");
                sum[f] += v;
            }
        for (int f = 0; f < features; f++) sum[f] /= rows;
        // Two passes: the textbook one-pass E[x²]−E[x]² cancels badly on raw pixels.
        for (int r = 0; r < rows; r++)
            for (int f = 0; f < features; f++)
            {
                double d = data.Data[r * features + f] - sum[f];
                sumSquares[f] += d * d;
            }
        for (int f = 0; f < features; f++)
        {
            mean.Data[f] = (float)sum[f];
            variance!.Data[f] = (float)(sumSquares[f] / rows);
        }
        IsAdapted = true;
        UpdateScaleShift();
    }

    /// <summary>Refreshes the op constants in place, so graphs captured earlier see the new statistics.</summary>
    private void UpdateScaleShift()
    {
        int features = mean!.Size;
        for (int f = 0; f < features; f++)
        {
            double std = Math.Max(Math.Sqrt(variance!.Data[f]), Epsilon);
            // normalize: (x − μ)/σ = x·(1/σ) − μ/σ ; invert: x·σ + μ
            scale[f] = (float)(Invert ? std : 1 / std);
            shift[f] = (float)(Invert ? mean.Data[f] : -mean.Data[f] / std);
        }
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        if (!IsAdapted)
            throw new InvalidOperationException(
                $"Layer '{Name}' (Normalization) has no statistics: call Adapt(x) or pass mean and variance first.");
        return Op.Record(new ScaleShiftOp(inputs, scale, shift));
    }

    /// <summary>The per-feature y = x·scale + shift that <see cref="Call"/> applies (the ONNX exporter writes these).</summary>
    internal (float[] Scale, float[] Shift) Affine => (scale, shift);

    /// <summary>Re-reads the statistics after <c>SetWeights</c> replaced them.</summary>
    /// <summary>A mean must be finite and a variance finite and non-negative: a negative one has no square root.</summary>
    private void CheckStatistics(float[] means, float[] variances, string origin)
    {
        for (int f = 0; f < means.Length; f++)
        {
            if (!float.IsFinite(means[f]))
                throw new ArgumentException($"Normalization '{Name}': {origin} 'mean'[{f}] is {means[f]}; it must be a finite number.");
            if (!(variances[f] >= 0) || !float.IsFinite(variances[f]))
                throw new ArgumentException($"Normalization '{Name}': {origin} 'variance'[{f}] is {variances[f]}; it must be a finite number >= 0.");
        }
    }

    protected internal override void OnWeightsChanged()
    {
        if (mean is not null) CheckStatistics(mean.Data, variance!.Data, "loaded");
        if (mean is null) return;
        IsAdapted = true;
        UpdateScaleShift();
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = new List<object?> { -1L };
        config["invert"] = Invert;
        config["mean"] = mean is null ? null : mean.Data.Select(v => (object?)(double)v).ToList();
        config["variance"] = variance is null ? null : variance.Data.Select(v => (object?)(double)v).ToList();
        return config;
    }

    public static Normalization FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        // Keras's None axis keeps no axis: one mean and variance over every value. Nabla keeps the last axis.
        RefuseNull(config, "Normalization", "axis");
        return new Normalization(config.GetBool("invert", false), inputShape, name,
            ReadFloats(config, "mean"), ReadFloats(config, "variance"));
    }

    private static float[]? ReadFloats(Config config, string key) =>
        config.TryGet(key, out var v) && v is IEnumerable<object?> list
            ? list.Select(item => item switch
            {
                double d => (float)d,
                long l => l,
                _ => throw new ArgumentException($"Normalization config '{key}' must hold numbers, found {Config.Describe(item)}."),
            }).ToArray()
            : null;
}
