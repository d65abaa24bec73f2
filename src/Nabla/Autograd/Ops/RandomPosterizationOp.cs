namespace Nabla.Autograd.Ops;

/// <summary>
/// Keras's random posterization on images [batch, height, width, channels]
/// (keras/src/layers/preprocessing/image_preprocessing/random_posterization.py): every forward pass draws per sample a
/// number of bits to keep, uniformly among the integers in [lower, upper) (Keras's randint, whose upper end is
/// exclusive), or lower itself when lower = upper; each value, mapped from [low, high] to [0, 255] and cast to uint8
/// (truncated, and here clamped to [0, 255], where Keras's backends wrap or saturate), keeps its top bits, then is
/// mapped back. The result is piecewise constant in the input: no gradient flows, as none flows through Keras's cast.
/// </summary>
internal sealed class RandomPosterizationOp : Op
{
    private readonly int lower, upper;
    private readonly float low, high;
    private readonly RandomGenerator? generator;
    private readonly int[] shifts;

    public RandomPosterizationOp(Tensor x, int lower, int upper, float low, float high, RandomGenerator? generator) : base([x], x.Shape)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"Random posterization needs images [batch, height, width, channels]; found {Tensor.ShapeString(x.Shape)}.");
        (this.lower, this.upper, this.low, this.high, this.generator) = (lower, upper, low, high, generator);
        shifts = new int[x.Shape[0]];
    }

    public override string Name => "random_posterization";

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        for (int b = 0; b < shifts.Length; b++) shifts[b] = 8 - (lower == upper ? lower : lower + rng.NextInt(upper - lower));
        var (x, y) = (Inputs[0].Data, Output.Data);
        int perSample = x.Length / shifts.Length;
        float width = high - low;
        for (int i = 0; i < x.Length; i++)
        {
            int shift = shifts[i / perSample];
            int bits = (int)Math.Clamp(MathF.Floor((x[i] - low) / width * 255f), 0f, 255f);
            y[i] = (bits >> shift << shift) / 255f * width + low;
        }
    }

    /// <summary>Piecewise constant: no gradient.</summary>
    public override void Backward() { }
}
