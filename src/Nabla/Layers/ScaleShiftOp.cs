using Nabla.Autograd;

namespace Nabla.Layers;

/// <summary>
/// y = x·scale[f] + shift[f] per feature f of the last axis (a single value broadcasts to every feature).
/// Scale and shift are constants of the layer (statistics, not trainable), so only x gets a gradient.
/// Shared by <see cref="Normalization"/> and <see cref="Rescaling"/>.
/// </summary>
internal sealed class ScaleShiftOp : Op
{
    private readonly float[] scale, shift;

    public ScaleShiftOp(Tensor x, float[] scale, float[] shift) : base([x], x.Shape)
    {
        this.scale = scale;
        this.shift = shift;
    }

    public override string Name => "scale_shift";

    public override void Forward()
    {
        var x = Inputs[0].Data;
        var y = Output.Data;
        int width = Math.Max(scale.Length, shift.Length);
        for (int i = 0; i < x.Length; i++)
        {
            int f = i % width;
            y[i] = x[i] * scale[scale.Length == 1 ? 0 : f] + shift[shift.Length == 1 ? 0 : f];
        }
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dy = Output.Grad!.Data;
        var dx = Inputs[0].Grad!.Data;
        for (int i = 0; i < dx.Length; i++) dx[i] += dy[i] * scale[scale.Length == 1 ? 0 : i % scale.Length];
    }
}
