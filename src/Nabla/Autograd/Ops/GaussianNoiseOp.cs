using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>Draws fresh normal noise n ~ N(mean, stddev²) on every forward pass (a replayed graph gets new noise each
/// step) and adds it to the input (y = x + n, so dx = dy) or multiplies the input by it (y = x·n, so dx = dy·n).</summary>
internal sealed class GaussianNoiseOp : Op
{
    private readonly float mean, stddev;
    private readonly bool additive;
    private readonly RandomGenerator? generator;
    private readonly float[] noise;

    public GaussianNoiseOp(Tensor x, float mean, float stddev, bool additive, RandomGenerator? generator) : base([x], x.Shape)
    {
        this.mean = mean;
        this.stddev = stddev;
        this.additive = additive;
        this.generator = generator;
        noise = new float[x.Size];
    }

    public override string Name => additive ? "gaussian_noise" : "gaussian_dropout";

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)(mean + stddev * rng.NextNormal());
        if (additive) TensorPrimitives.Add(Inputs[0].Data, noise, Output.Data);
        else TensorPrimitives.Multiply(Inputs[0].Data, noise, Output.Data);
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dy = Output.Grad!.Data;
        var dx = Inputs[0].Grad!.Data;
        if (additive) TensorPrimitives.Add(dx, dy, dx);
        else TensorPrimitives.MultiplyAdd(dy, noise, dx, dx);
    }
}
