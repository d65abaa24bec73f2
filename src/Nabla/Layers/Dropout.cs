using System.Numerics.Tensors;
using Nabla.Autograd;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>Dropout</c>: in training, zeroes each input with probability <c>rate</c> and
/// scales the rest by 1/(1 − rate); in inference it is the identity.</summary>
public sealed class Dropout : Layer
{
    private readonly RandomGenerator? seeded;

    public Dropout(double rate, int? seed = null, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentException($"Dropout 'rate' must be in [0, 1), found {rate}.", nameof(rate));
        Rate = rate;
        Seed = seed;
        if (seed is int s) seeded = new RandomGenerator(s);
    }

    public override string ClassName => "Dropout";

    /// <summary>Passes a timestep mask through, as Keras (supports_masking).</summary>
    public override bool SupportsMasking => true;

    public double Rate { get; }

    public int? Seed { get; }

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        if (!training || Rate == 0) return inputs;
        return Op.Record(new DropoutOp(inputs, (float)Rate, seeded));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = Seed is int s ? (long)s : null;
        config["noise_shape"] = null;
        return config;
    }

    public static Dropout FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new Dropout(config.GetDouble("rate"), config.TryGet("seed", out _) ? config.GetInt("seed") : null,
            inputShape, name);
    }
}

/// <summary>Draws a fresh mask on every forward pass (so a replayed graph drops different units each step).</summary>
internal sealed class DropoutOp : Op
{
    private readonly float rate;
    private readonly RandomGenerator? generator;
    private readonly float[] mask;

    public DropoutOp(Tensor x, float rate, RandomGenerator? generator) : base([x], x.Shape)
    {
        this.rate = rate;
        this.generator = generator;
        mask = new float[x.Size];
    }

    public override string Name => "dropout";

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        rng.FillDropoutMask(mask, rate, 1f / (1f - rate));
        TensorPrimitives.Multiply(Inputs[0].Data, mask, Output.Data);
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dy = Output.Grad!.Data;
        var dx = Inputs[0].Grad!.Data;
        TensorPrimitives.MultiplyAdd(dy, mask, dx, dx);
    }
}
