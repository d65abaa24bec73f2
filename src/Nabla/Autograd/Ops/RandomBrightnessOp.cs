namespace Nabla.Autograd.Ops;

/// <summary>
/// Keras's random brightness on images [batch, height, width, channels]: every forward pass draws one shift per sample
/// uniformly in [lower, upper] and adds it to every value, clipped to the value range; a clipped value passes no gradient,
/// the others pass it unchanged.
/// </summary>
internal sealed class RandomBrightnessOp : Op
{
    private readonly float lower, upper, low, high;
    private readonly RandomGenerator? generator;
    private readonly float[] shifts;

    public RandomBrightnessOp(Tensor x, float lower, float upper, float low, float high, RandomGenerator? generator) : base([x], x.Shape)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"Random brightness needs images [batch, height, width, channels]; found {Tensor.ShapeString(x.Shape)}.");
        (this.lower, this.upper, this.low, this.high, this.generator) = (lower, upper, low, high, generator);
        shifts = new float[x.Shape[0]];
    }

    public override string Name => "random_brightness";

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        for (int b = 0; b < shifts.Length; b++) shifts[b] = (float)rng.Uniform(lower, upper);
        var (x, y) = (Inputs[0].Data, Output.Data);
        int perSample = x.Length / shifts.Length;
        for (int i = 0; i < x.Length; i++) y[i] = Math.Clamp(x[i] + shifts[i / perSample], low, high);
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var (y, dy, dx) = (Output.Data, Output.Grad!.Data, Inputs[0].Grad!.Data);
        for (int i = 0; i < y.Length; i++)
            if (y[i] > low && y[i] < high) dx[i] += dy[i];
    }
}
