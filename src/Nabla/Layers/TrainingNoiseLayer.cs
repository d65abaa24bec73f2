using Nabla.Autograd;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// A layer that perturbs its inputs in training only and is the identity in inference (Dropout, GaussianNoise,
/// GaussianDropout); RandomCrop, whose output has another size, overrides <see cref="Call"/> to smart-resize in inference.
/// With a seed it draws from its own generator, so its noise repeats from run to run; without one,
/// from Nabla's global generator (<see cref="Utils.SetRandomSeed"/>).
/// </summary>
public abstract class TrainingNoiseLayer : Layer
{
    private readonly RandomGenerator? seeded;

    protected TrainingNoiseLayer(int? seed, int[]? inputShape, string? name) : base(name, inputShape)
    {
        Seed = seed;
        if (seed is int s) seeded = new RandomGenerator(s);
    }

    /// <summary>Passes a timestep mask through, as Keras (supports_masking).</summary>
    public override bool SupportsMasking => true;

    public int? Seed { get; }

    /// <summary>Whether the layer's settings leave its inputs unchanged in training too (a rate or deviation of 0).</summary>
    protected abstract bool AddsNoNoise { get; }

    /// <summary>The op that perturbs <paramref name="inputs"/>, drawing from <paramref name="generator"/> (null: the global one).</summary>
    private protected abstract Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator);

    /// <summary>The noise takes the shape of each call's inputs: any axis may be unknown.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => true;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <summary>Where the images the layer perturbs hold their channels (Keras's data_format): channels-last unless the
    /// layer takes one. The noise ops compute channels-last, so channels-first inputs are moved around them.</summary>
    private protected virtual ImageLayout Layout => ImageLayout.Last;

    internal override int[]? ChannelsLastOrder(int rank) => Layout.ToLastOrder(rank);

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        if (!training || AddsNoNoise) return inputs;
        return Layout.Call(inputs, x => Op.Record(CreateNoiseOp(x, seeded)));
    }

    /// <summary>Keras's config order: the base keys, the layer's own (<see cref="WriteSettings"/>), then the seed.</summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        WriteSettings(config);
        config["seed"] = Seed is int s ? (long)s : null;
        return config;
    }

    /// <summary>Writes the layer's own config keys (its rate or deviation).</summary>
    protected abstract void WriteSettings(Config config);

    /// <summary>The <c>seed</c> of a Keras config: an int, or null when absent or null.</summary>
    private protected static int? ReadSeed(Config config) => config.TryGet("seed", out _) ? config.GetInt("seed") : null;
}
