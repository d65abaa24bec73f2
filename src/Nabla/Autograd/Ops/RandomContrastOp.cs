namespace Nabla.Autograd.Ops;

/// <summary>
/// Keras's random contrast on images [batch, height, width, channels]: every forward pass draws one factor f per sample
/// uniformly in [lower, upper] and sets each pixel to (x − m)·f + m, m the sample's mean of that channel over the
/// pixels, clipped to the value range. Where no clipping happened the gradient is f·dy plus (1 − f)/pixels times the
/// channel's summed dy (through the mean); a clipped value passes none.
/// </summary>
internal sealed class RandomContrastOp : Op
{
    private readonly float lower, upper, low, high;
    private readonly RandomGenerator? generator;
    private readonly float[] factors;

    public RandomContrastOp(Tensor x, float lower, float upper, float low, float high, RandomGenerator? generator) : base([x], x.Shape)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"Random contrast needs images [batch, height, width, channels]; found {Tensor.ShapeString(x.Shape)}.");
        (this.lower, this.upper, this.low, this.high, this.generator) = (lower, upper, low, high, generator);
        factors = new float[x.Shape[0]];
    }

    public override string Name => "random_contrast";

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        for (int b = 0; b < factors.Length; b++) factors[b] = (float)rng.Uniform(lower, upper);
        var (x, y) = (Inputs[0].Data, Output.Data);
        var (batch, pixels, channels) = Layout();
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < channels; c++)
            {
                int start = b * pixels * channels + c;
                float mean = Mean(x, start, pixels, channels), f = factors[b];
                for (int p = 0; p < pixels; p++)
                {
                    int i = start + p * channels;
                    y[i] = Math.Clamp((x[i] - mean) * f + mean, low, high);
                }
            }
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var (y, dy, dx) = (Output.Data, Output.Grad!.Data, Inputs[0].Grad!.Data);
        var (batch, pixels, channels) = Layout();
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < channels; c++)
            {
                int start = b * pixels * channels + c;
                float f = factors[b];
                double kept = 0;
                for (int p = 0; p < pixels; p++)
                {
                    int i = start + p * channels;
                    if (!Clipped(y[i])) kept += dy[i];
                }
                float throughMean = (float)((1 - f) * kept / pixels);
                for (int p = 0; p < pixels; p++)
                {
                    int i = start + p * channels;
                    dx[i] += throughMean + (Clipped(y[i]) ? 0 : f * dy[i]);
                }
            }
    }

    /// <summary>Whether an output value sits on a bound of the range (clipped, or exactly there: no gradient either way,
    /// as the clip's own gradient is taken at the bounds).</summary>
    private bool Clipped(float value) => value <= low || value >= high;

    private (int Batch, int Pixels, int Channels) Layout()
    {
        var shape = Inputs[0].Shape;
        return (shape[0], shape[1] * shape[2], shape[3]);
    }

    /// <summary>One sample's channel mean over its pixels, from the channel's first index and stride.</summary>
    private static float Mean(float[] x, int start, int pixels, int stride)
    {
        double sum = 0;
        for (int p = 0; p < pixels; p++) sum += x[start + p * stride];
        return (float)(sum / pixels);
    }
}
