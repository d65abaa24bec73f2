using Nabla.Autograd;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>GaussianNoise</c>: in training, adds zero-centred normal noise of standard deviation
/// <c>stddev</c> to every input (a regularizer, like augmenting real-valued inputs); in inference it is the identity.</summary>
/// <remarks>Keras 3 refuses a <c>stddev</c> above 1; Keras 2 did not, so its files may hold larger ones, and they load.</remarks>
public sealed class GaussianNoise : Layer
{
    private readonly RandomGenerator? seeded;

    public GaussianNoise(double stddev, int? seed = null, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (!(stddev >= 0 && double.IsFinite(stddev)))
            throw new ArgumentException($"GaussianNoise 'stddev' must be a finite number >= 0, found {stddev}.", nameof(stddev));
        Stddev = stddev;
        Seed = seed;
        if (seed is int s) seeded = new RandomGenerator(s);
    }

    public override string ClassName => "GaussianNoise";

    /// <summary>Passes a timestep mask through, as Keras (supports_masking).</summary>
    public override bool SupportsMasking => true;

    public double Stddev { get; }

    public int? Seed { get; }

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        if (!training || Stddev == 0) return inputs;
        return Op.Record(new GaussianNoiseOp(inputs, mean: 0, (float)Stddev, additive: true, seeded));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["stddev"] = Stddev;
        config["seed"] = Seed is int s ? (long)s : null;
        return config;
    }

    public static GaussianNoise FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new GaussianNoise(config.GetDouble("stddev"), config.TryGet("seed", out var seed) && seed is not null ? config.GetInt("seed") : null,
            inputShape, name);
    }
}

/// <summary>Keras's <c>GaussianDropout</c>: in training, multiplies every input by normal noise of mean 1 and standard
/// deviation sqrt(rate / (1 − rate)), the variance of <see cref="Dropout"/>'s scaled mask at that rate; in inference it
/// is the identity.</summary>
public sealed class GaussianDropout : Layer
{
    private readonly RandomGenerator? seeded;

    public GaussianDropout(double rate, int? seed = null, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        // Keras accepts a rate of 1, whose noise would have an infinite deviation.
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentException($"GaussianDropout 'rate' must be in [0, 1), found {rate}.", nameof(rate));
        Rate = rate;
        Seed = seed;
        if (seed is int s) seeded = new RandomGenerator(s);
    }

    public override string ClassName => "GaussianDropout";

    /// <summary>Passes a timestep mask through, as Keras (supports_masking).</summary>
    public override bool SupportsMasking => true;

    public double Rate { get; }

    public int? Seed { get; }

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        if (!training || Rate == 0) return inputs;
        return Op.Record(new GaussianNoiseOp(inputs, mean: 1, (float)Math.Sqrt(Rate / (1 - Rate)), additive: false, seeded));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = Seed is int s ? (long)s : null;
        return config;
    }

    public static GaussianDropout FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new GaussianDropout(config.GetDouble("rate"), config.TryGet("seed", out var seed) && seed is not null ? config.GetInt("seed") : null,
            inputShape, name);
    }
}
