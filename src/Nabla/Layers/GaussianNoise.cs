using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>GaussianNoise</c>: in training, adds zero-centred normal noise of standard deviation
/// <c>stddev</c> to every input (a regularizer, like augmenting real-valued inputs); in inference it is the identity.</summary>
/// <remarks>Keras 3 refuses a <c>stddev</c> above 1; Keras 2 did not, so its files may hold larger ones, and they load.</remarks>
public sealed class GaussianNoise : TrainingNoiseLayer
{
    public GaussianNoise(double stddev, int? seed = null, int[]? inputShape = null, string? name = null) : base(seed, inputShape, name)
    {
        if (!(stddev >= 0 && double.IsFinite(stddev)))
            throw new ArgumentException($"GaussianNoise 'stddev' must be a finite number >= 0, found {stddev}.", nameof(stddev));
        Stddev = stddev;
    }

    public override string ClassName => "GaussianNoise";

    public double Stddev { get; }

    protected override bool AddsNoNoise => Stddev == 0;

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) =>
        new GaussianNoiseOp(inputs, mean: 0, (float)Stddev, additive: true, generator);

    protected override void WriteSettings(Config config) => config["stddev"] = Stddev;

    public static GaussianNoise FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new GaussianNoise(config.GetDouble("stddev"), ReadSeed(config), inputShape, name);
    }
}

/// <summary>Keras's <c>GaussianDropout</c>: in training, multiplies every input by normal noise of mean 1 and standard
/// deviation sqrt(rate / (1 − rate)), the deviation of <see cref="Dropout"/>'s scaled mask at that rate; in inference it
/// is the identity.</summary>
public sealed class GaussianDropout : TrainingNoiseLayer
{
    public GaussianDropout(double rate, int? seed = null, int[]? inputShape = null, string? name = null) : base(seed, inputShape, name)
    {
        // Keras accepts a rate of 1, whose noise would have an infinite deviation.
        Rate = Dropout.CheckRate(rate, "GaussianDropout");
    }

    public override string ClassName => "GaussianDropout";

    public double Rate { get; }

    protected override bool AddsNoNoise => Rate == 0;

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) =>
        new GaussianNoiseOp(inputs, mean: 1, (float)Math.Sqrt(Rate / (1 - Rate)), additive: false, generator);

    protected override void WriteSettings(Config config) => config["rate"] = Rate;

    public static GaussianDropout FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new GaussianDropout(config.GetDouble("rate"), ReadSeed(config), inputShape, name);
    }
}

/// <summary>Keras's <c>AlphaDropout</c>, dropout for SELU networks: in training, a dropped value becomes SELU's negative
/// saturation and an affine map keeps the inputs' mean and variance (<see cref="Autograd.Ops.AlphaDropoutOp"/>); in
/// inference it is the identity. Keras's <c>noise_shape</c> other than null is refused by name.</summary>
public sealed class AlphaDropout : TrainingNoiseLayer
{
    public AlphaDropout(double rate, int? seed = null, int[]? inputShape = null, string? name = null) : base(seed, inputShape, name)
    {
        Rate = Dropout.CheckRate(rate, "AlphaDropout");
    }

    public override string ClassName => "AlphaDropout";

    public double Rate { get; }

    protected override bool AddsNoNoise => Rate == 0;

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) => new AlphaDropoutOp(inputs, (float)Rate, generator);

    protected override void WriteSettings(Config config)
    {
        config["rate"] = Rate;
        config["noise_shape"] = null;
    }

    public static AlphaDropout FromConfig(Config config)
    {
        RefuseUnsupported(config, "AlphaDropout", "noise_shape");
        var (name, inputShape) = BaseArgs(config);
        return new AlphaDropout(config.GetDouble("rate"), ReadSeed(config), inputShape, name);
    }
}
