namespace Nabla.Autograd.Ops;

/// <summary>
/// Keras's training-time RandomCrop of images [batch, h, w, channels]: every forward pass draws one corner for the whole
/// batch (Keras crops all images of a batch at the same place), the row offset uniform on 0..h − height and the column
/// offset on 0..w − width, and copies that height × width window; a replayed graph draws afresh each step. The input's
/// gradient is the output's, put back in the window.
/// </summary>
internal sealed class RandomCropOp : Op
{
    private readonly RandomGenerator? generator;

    public RandomCropOp(Tensor x, int height, int width, RandomGenerator? generator) : base([x], [x.Shape[0], height, width, x.Shape[3]])
    {
        if (x.Rank != 4 || x.Shape[1] < height || x.Shape[2] < width)
            throw new ArgumentException($"A random {height}×{width} crop needs images [batch, h ≥ {height}, w ≥ {width}, channels]; found {Tensor.ShapeString(x.Shape)}.");
        this.generator = generator;
    }

    public override string Name => "random_crop";

    /// <summary>The corner the latest forward pass drew.</summary>
    internal (int Top, int Left) Corner { get; private set; }

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        // Keras draws the row offset first, then the column offset.
        int top = rng.NextInt(Inputs[0].Shape[1] - Output.Shape[1] + 1);
        Corner = (top, rng.NextInt(Inputs[0].Shape[2] - Output.Shape[2] + 1));
        Copy(forward: true);
    }

    public override void Backward()
    {
        if (NeedsGrad(0)) Copy(forward: false);
    }

    /// <summary>Each output row is a contiguous run of width × channels values of an input row.</summary>
    private void Copy(bool forward)
    {
        int batch = Output.Shape[0], height = Output.Shape[1], run = Output.Shape[2] * Output.Shape[3];
        int inHeight = Inputs[0].Shape[1], inRow = Inputs[0].Shape[2] * Inputs[0].Shape[3];
        for (int b = 0; b < batch; b++)
            for (int y = 0; y < height; y++)
            {
                int from = (b * inHeight + Corner.Top + y) * inRow + Corner.Left * Output.Shape[3], to = (b * height + y) * run;
                if (forward) Inputs[0].Data.AsSpan(from, run).CopyTo(Output.Data.AsSpan(to, run));
                else
                {
                    var dx = Inputs[0].Grad!.Data.AsSpan(from, run);
                    var dy = Output.Grad!.Data.AsSpan(to, run);
                    for (int i = 0; i < run; i++) dx[i] += dy[i];
                }
            }
    }
}
