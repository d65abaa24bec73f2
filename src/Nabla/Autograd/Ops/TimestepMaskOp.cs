namespace Nabla.Autograd.Ops;

/// <summary>
/// Keras's Masking mask: 1 where any feature on the last axis differs from <c>maskValue</c>, else 0, with the last
/// axis dropped ([batch, timesteps, features] to [batch, timesteps]). Not differentiable: a gradient blocker.
/// </summary>
internal sealed class TimestepMaskOp : Op
{
    private readonly float maskValue;
    private readonly int features;

    public TimestepMaskOp(Tensor x, float maskValue) : base([x], OutputShape(x))
    {
        this.maskValue = maskValue;
        features = x.Shape[^1];
    }

    private static int[] OutputShape(Tensor x) => x.Rank >= 2
        ? x.Shape[..^1]
        : throw new ArgumentException($"A timestep mask needs inputs with a feature axis; found {Tensor.ShapeString(x.Shape)}.");

    public override string Name => "timestep_mask";

    public override bool IsGradientBlocker => true;

    public override void Forward()
    {
        var x = Inputs[0].Data.AsSpan();
        var mask = Output.Data;
        for (int row = 0; row < mask.Length; row++)
            mask[row] = x.Slice(row * features, features).ContainsAnyExcept(maskValue) ? 1f : 0f;
    }

    public override void Backward() { } // never called: the output does not require a gradient
}
