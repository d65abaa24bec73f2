namespace Nabla.Autograd.Ops;

/// <summary>
/// Keras's random inversion on images [batch, height, width, channels]
/// (keras/src/layers/preprocessing/image_preprocessing/random_invert.py): every forward pass draws per sample a
/// probability p uniformly in [lower, upper], then a threshold t uniformly in [0, 1) (all the probabilities first, as
/// Keras), and a sample with t &lt; p becomes <c>high − x</c>, high the upper end of value_range (Keras subtracts from
/// value_range[1] and clips nothing); the others pass unchanged. The gradient is −dy for an inverted sample, dy otherwise.
/// </summary>
internal sealed class RandomInvertOp : Op
{
    private readonly float lower, upper, high;
    private readonly RandomGenerator? generator;
    private readonly bool[] inverted;
    private readonly double[] probabilities;

    public RandomInvertOp(Tensor x, float lower, float upper, float high, RandomGenerator? generator) : base([x], x.Shape)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"Random invert needs images [batch, height, width, channels]; found {Tensor.ShapeString(x.Shape)}.");
        (this.lower, this.upper, this.high, this.generator) = (lower, upper, high, generator);
        inverted = new bool[x.Shape[0]];
        probabilities = new double[x.Shape[0]];
    }

    public override string Name => "random_invert";

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        for (int b = 0; b < inverted.Length; b++) probabilities[b] = rng.Uniform(lower, upper);
        for (int b = 0; b < inverted.Length; b++) inverted[b] = rng.NextDouble() < probabilities[b];
        var (x, y) = (Inputs[0].Data, Output.Data);
        int perSample = x.Length / inverted.Length;
        for (int i = 0; i < x.Length; i++) y[i] = inverted[i / perSample] ? high - x[i] : x[i];
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var (dy, dx) = (Output.Grad!.Data, Inputs[0].Grad!.Data);
        int perSample = dx.Length / inverted.Length;
        for (int i = 0; i < dx.Length; i++) dx[i] += inverted[i / perSample] ? -dy[i] : dy[i];
    }
}
