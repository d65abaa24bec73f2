namespace Nabla.Autograd.Ops;

/// <summary>
/// Keras's solarization on images [batch, height, width, channels]
/// (keras/src/layers/preprocessing/image_preprocessing/solarization.py): every forward pass draws per sample an addition
/// uniformly in [additionLower, additionUpper], then (all the additions first, as Keras) a threshold in
/// [thresholdLower, thresholdUpper]; each value, mapped from [low, high] to [0, 255], plus the addition, clipped to
/// [0, 255], is kept below the threshold and becomes 255 minus itself at or above it, then is mapped back. The gradient
/// is dy below the threshold, −dy at or above it, and none where the clip bit.
/// </summary>
internal sealed class SolarizationOp : Op
{
    private readonly float additionLower, additionUpper, thresholdLower, thresholdUpper, low, high;
    private readonly RandomGenerator? generator;
    private readonly float[] additions, thresholds;

    public SolarizationOp(Tensor x, (float Lower, float Upper) addition, (float Lower, float Upper) threshold, float low, float high,
        RandomGenerator? generator) : base([x], x.Shape)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"Solarization needs images [batch, height, width, channels]; found {Tensor.ShapeString(x.Shape)}.");
        (additionLower, additionUpper, thresholdLower, thresholdUpper) = (addition.Lower, addition.Upper, threshold.Lower, threshold.Upper);
        (this.low, this.high, this.generator) = (low, high, generator);
        additions = new float[x.Shape[0]];
        thresholds = new float[x.Shape[0]];
    }

    public override string Name => "solarization";

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        for (int b = 0; b < additions.Length; b++) additions[b] = (float)rng.Uniform(additionLower, additionUpper);
        for (int b = 0; b < thresholds.Length; b++) thresholds[b] = (float)rng.Uniform(thresholdLower, thresholdUpper);
        var (x, y) = (Inputs[0].Data, Output.Data);
        int perSample = x.Length / additions.Length;
        float width = high - low;
        for (int i = 0; i < x.Length; i++)
        {
            var (value, _) = Solarize(x[i], i / perSample);
            y[i] = value / 255f * width + low;
        }
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var (x, dy, dx) = (Inputs[0].Data, Output.Grad!.Data, Inputs[0].Grad!.Data);
        int perSample = x.Length / additions.Length;
        for (int i = 0; i < x.Length; i++) dx[i] += Solarize(x[i], i / perSample).Slope * dy[i];
    }

    /// <summary>One value on the [0, 255] scale after solarization, and its derivative in the input (0 where clipped).</summary>
    private (float Value, float Slope) Solarize(float x, int sample)
    {
        float shifted = (x - low) / (high - low) * 255f + additions[sample];
        float clipped = Math.Clamp(shifted, 0f, 255f);
        bool inside = shifted > 0f && shifted < 255f;
        return clipped < thresholds[sample] ? (clipped, inside ? 1f : 0f) : (255f - clipped, inside ? -1f : 0f);
    }
}
