using Nabla.Autograd;
using Nabla.Initializers;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Normalization</c> preprocessing layer: <c>Adapt(x)</c> learns each feature's mean and
/// variance (the kept axis, the last by default); the layer then outputs (x − mean) / max(sqrt(variance), 1e-7), or the inverse
/// with <c>invert</c>. A constant feature therefore maps to 0 instead of NaN. Until adapted, given statistics or set its
/// weights it refuses to run (Keras 3 would pass its inputs through unnoticed). The statistics are layer
/// weights, so the normalization travels with a saved model. Given statistics may be one value for every feature (Keras
/// broadcasts them). Keras's <c>axis</c> may name any one axis but the batch's (1 for channels-first images): it is moved
/// last for the computation and back, as BatchNormalization's; several axes, or None, are refused by name.
/// </summary>
public sealed class Normalization : Layer
{
    /// <summary>Keras's <c>backend.epsilon()</c>, the floor of the standard deviation.</summary>
    public const double Epsilon = 1e-7;

    private Tensor? mean, variance;
    private readonly float[]? givenMean, givenVariance;
    private float[] scale = [], shift = [];

    /// <param name="axis">Keras's <c>axis</c>, counting the batch axis as 0 (negative from the end): the kept
    /// (per-feature) axis, -1 by default as Keras's.</param>
    public Normalization(bool invert = false, int[]? inputShape = null, string? name = null,
        float[]? mean = null, float[]? variance = null, int axis = -1) : base(name, inputShape)
    {
        if ((mean is null) != (variance is null))
            throw new ArgumentException("Normalization: give both 'mean' and 'variance', or neither.");
        if (mean is { Length: 0 } || variance is { Length: 0 })
            throw new ArgumentException("Normalization: 'mean' and 'variance' need at least one value.");
        Invert = invert;
        Axis = axis;
        if (mean is not null) CheckStatistics(mean, variance!, "given");
        givenMean = mean;
        givenVariance = variance;
    }

    public override string ClassName => "Normalization";

    public bool Invert { get; }

    /// <summary>Keras's <c>axis</c>: the kept axis, counted with the batch axis as 0 (negative from the end).</summary>
    public int Axis { get; }

    public bool IsAdapted { get; private set; }

    /// <summary>Whether the statistics were given or learnt by <see cref="Adapt"/>, and so travel in the config as Keras's
    /// given mean and variance. Statistics loaded into Keras's three variables stay in them, as Keras keeps them, so that
    /// the layer's files keep the layout of the file they came from (an EfficientNet's ImageNet weights).</summary>
    private bool statisticsInConfig;

    /// <summary>Only the kept axis sizes the statistics; the others may be unknown (an image of any size).</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => new FeatureAxis(Axis).MayBeUnknown(axis, rank);

    /// <summary>Moves the kept axis last when it is not (channels-first images keep axis 1).</summary>
    internal override int[]? ChannelsLastOrder(int rank) => new FeatureAxis(Axis).ToLastOrder(rank);

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        new FeatureAxis(Axis).Check($"Normalization '{Name}'", inputShape);
        return inputShape;
    }

    protected override void BuildWeights(int[] inputShape)
    {
        int features = new FeatureAxis(Axis).Features(inputShape);
        foreach (var (what, given) in new[] { ("mean", givenMean), ("variance", givenVariance) })
            if (given is not null && given.Length != 1 && given.Length != features)
                throw new ArgumentException(
                    $"Normalization '{Name}': {given.Length} '{what}' values given for {features} features; give one per feature or one for all.");
        var zeros = Initializer.Get("zeros");
        var ones = Initializer.Get("ones");
        scale = new float[features];
        shift = new float[features];
        mean = AddWeight("mean", [features], zeros, trainable: false);
        variance = AddWeight("variance", [features], ones, trainable: false);
        if (givenMean is not null)
        {
            Broadcast(givenMean, mean.Data);
            Broadcast(givenVariance!, variance.Data);
            IsAdapted = statisticsInConfig = true;
        }
        // Keras's layer to adapt keeps a sample count beside its statistics ("for backwards compatibility"); its files hold it.
        else AddWeight("count", [], zeros, trainable: false);
        UpdateScaleShift();
    }

    /// <summary>What Keras's files hold for the config this layer writes: a layer with given or adapted statistics writes them
    /// in its config (Keras's given mean and variance, kept as constants, no variable); one still to adapt, or whose
    /// statistics were loaded into them, keeps Keras's three variables, mean, variance and count.</summary>
    internal override IReadOnlyList<Tensor> KerasFileWeights => statisticsInConfig ? [] : Weights;

    /// <summary>Given statistics, one per feature or one for all.</summary>
    private static void Broadcast(float[] given, float[] target)
    {
        if (given.Length == 1) target.AsSpan().Fill(given[0]);
        else given.CopyTo(target, 0);
    }

    /// <summary>Computes per-feature mean and (population) variance over every axis but the kept one.</summary>
    public void Adapt(Tensor data)
    {
        if (data.Rank < 1 || data.Size == 0)
            throw new ArgumentException($"Layer '{Name}': Adapt needs a non-empty data set, got shape {Tensor.ShapeString(data.Shape)}.");
        if (!IsBuilt) Build(data.Shape[1..]);
        if (ChannelsLastOrder(data.Rank) is { } order)
            using (Autograd.GradMode.NoGrad()) data = Tensor.Transpose(data, order);
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
        IsAdapted = statisticsInConfig = true;
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
        // Keras 3 would run a layer never adapted with its initial statistics (mean 0, variance 1), the identity, so a
        // forgotten Adapt goes unnoticed; statistics must come from Adapt, the constructor or weights set or loaded.
        if (!IsAdapted)
            throw new InvalidOperationException(
                $"Layer '{Name}' (Normalization) has no statistics: call Adapt(x), pass mean and variance, or set its weights first.");
        return new FeatureAxis(Axis).Call(inputs, x => Op.Record(new ScaleShiftOp(x, scale, shift)));
    }

    /// <summary>The per-feature y = x·scale + shift that <see cref="Call"/> applies (the ONNX exporter writes these).</summary>
    internal (float[] Scale, float[] Shift) Affine => (scale, shift);

    /// <summary>Re-reads the statistics after <c>SetWeights</c> replaced them.</summary>
    /// <summary>A mean must be finite and a variance finite and non-negative: a negative one has no square root.</summary>
    private void CheckStatistics(float[] means, float[] variances, string origin)
    {
        // The two may differ in length (one value broadcast to every feature): each is checked on its own.
        for (int f = 0; f < means.Length; f++)
            if (!float.IsFinite(means[f]))
                throw new ArgumentException($"Normalization '{Name}': {origin} 'mean'[{f}] is {means[f]}; it must be a finite number.");
        for (int f = 0; f < variances.Length; f++)
            if (!(variances[f] >= 0) || !float.IsFinite(variances[f]))
                throw new ArgumentException($"Normalization '{Name}': {origin} 'variance'[{f}] is {variances[f]}; it must be a finite number >= 0.");
    }

    /// <summary>Runs with the statistics the layer was built with (mean 0, variance 1: the identity), as Keras's
    /// EfficientNet stem does until its weights are loaded; they stay weights, in Keras's three variables.</summary>
    internal void UseInitialStatistics()
    {
        if (mean is null) throw new InvalidOperationException($"Normalization '{Name}' must be built before its statistics are used.");
        IsAdapted = true;
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
        config["axis"] = new List<object?> { (long)Axis };
        config["invert"] = Invert;
        // Given or adapted statistics travel in the config (Keras reads them as given); others in the weights.
        float[]? Statistics(Tensor? built, float[]? given) => statisticsInConfig ? built!.Data : given;
        config["mean"] = Statistics(mean, givenMean)?.Select(v => (object?)(double)v).ToList();
        config["variance"] = Statistics(variance, givenVariance)?.Select(v => (object?)(double)v).ToList();
        return config;
    }

    public static Normalization FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        // Keras's None axis keeps no axis: one mean and variance over every value. Nabla keeps the last axis.
        RefuseNull(config, "Normalization", "axis");
        var axes = config.TryGet("axis", out var a) ? a as List<object?> ?? [a] : [-1L];
        if (axes.Count != 1 || axes[0] is not long axis)
            throw new ArgumentException(
                $"Normalization '{name ?? "?"}' config 'axis' is {Config.Describe(config["axis"])}; Nabla keeps one axis (-1, or 1 for channels-first images).");
        return new Normalization(config.GetBool("invert", false), inputShape, name,
            ReadFloats(config, "mean"), ReadFloats(config, "variance"), (int)axis);
    }

    /// <summary>A list of numbers, or one number for every feature (Keras broadcasts a scalar mean or variance).</summary>
    private static float[]? ReadFloats(Config config, string key)
    {
        if (!config.TryGet(key, out var v)) return null;
        return (v as IEnumerable<object?> ?? [v]).Select(item => item switch
        {
            double d => (float)d,
            long l => l,
            _ => throw new ArgumentException($"Normalization config '{key}' must hold numbers, found {Config.Describe(item)}."),
        }).ToArray();
    }
}
