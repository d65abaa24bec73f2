namespace Nabla.Autograd.Ops;

/// <summary>
/// Keras's random grayscale on RGB images [batch, height, width, 3]
/// (keras/src/layers/preprocessing/image_preprocessing/random_grayscale.py): every forward pass draws u uniformly in
/// [0, 1) per sample, and a sample with u &lt; factor takes in all three channels the luma 0.2989·R + 0.5870·G + 0.1140·B
/// (ITU-R 601, the weights of Keras's rgb_to_grayscale); the others pass unchanged. The gradient of a converted pixel's
/// channel c is its weight times the pixel's summed dy; an unchanged sample passes dy.
/// </summary>
internal sealed class RandomGrayscaleOp : Op
{
    /// <summary>The luma weights of R, G and B.</summary>
    internal static readonly float[] Weights = [0.2989f, 0.5870f, 0.1140f];

    private readonly float factor;
    private readonly RandomGenerator? generator;
    private readonly bool[] converted;

    public RandomGrayscaleOp(Tensor x, float factor, RandomGenerator? generator) : base([x], x.Shape)
    {
        if (x.Rank != 4 || x.Shape[3] != 3)
            throw new ArgumentException($"Random grayscale needs RGB images [batch, height, width, 3]; found {Tensor.ShapeString(x.Shape)}.");
        (this.factor, this.generator) = (factor, generator);
        converted = new bool[x.Shape[0]];
    }

    public override string Name => "random_grayscale";

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        for (int b = 0; b < converted.Length; b++) converted[b] = rng.NextDouble() < factor;
        var (x, y) = (Inputs[0].Data, Output.Data);
        int perSample = x.Length / converted.Length;
        for (int i = 0; i < x.Length; i += 3)
        {
            if (converted[i / perSample])
            {
                float gray = Weights[0] * x[i] + Weights[1] * x[i + 1] + Weights[2] * x[i + 2];
                y[i] = y[i + 1] = y[i + 2] = gray;
            }
            else (y[i], y[i + 1], y[i + 2]) = (x[i], x[i + 1], x[i + 2]);
        }
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var (dy, dx) = (Output.Grad!.Data, Inputs[0].Grad!.Data);
        int perSample = dx.Length / converted.Length;
        for (int i = 0; i < dx.Length; i += 3)
        {
            if (converted[i / perSample])
            {
                float sum = dy[i] + dy[i + 1] + dy[i + 2];
                for (int c = 0; c < 3; c++) dx[i + c] += Weights[c] * sum;
            }
            else
                for (int c = 0; c < 3; c++) dx[i + c] += dy[i + c];
        }
    }
}
