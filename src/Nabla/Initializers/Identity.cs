using Nabla.Configuration;

namespace Nabla.Initializers;

/// <summary>Keras's <c>Identity</c> (gain 1): <c>gain · eye(rows, cols)</c>, for 2-D tensors only.</summary>
public sealed class Identity(double gain = 1.0) : Initializer
{
    public double Gain { get; } = Finite(gain, "gain");

    public override string ClassName => "Identity";

    public override Config GetConfig() => new() { ["gain"] = Gain };

    public static Identity FromConfig(Config config)
    {
        RefuseNullParameters(config, "Identity", "gain");
        return new(config.GetDouble("gain", 1.0));
    }

    protected override void Fill(Span<float> values, int[] shape)
    {
        if (shape.Length != 2)
            throw new ArgumentException(
                $"Identity can only fill a 2-D matrix; got shape {Tensor.ShapeString(shape)}.", nameof(shape));
        values.Clear();
        int diagonal = Math.Min(shape[0], shape[1]);
        for (int i = 0; i < diagonal; i++) values[i * shape[1] + i] = (float)Gain;
    }

    /// <summary>k = min(m, n) entries equal gain among m·n: std = gain·√(f(1 − f)) with f = k/(m·n).</summary>
    public override double ExpectedStd(int fanIn, int fanOut)
    {
        double count = Math.Max(1.0, (double)fanIn * fanOut);
        double f = Math.Min(fanIn, fanOut) / count;
        return Math.Abs(Gain) * Math.Sqrt(f * (1 - f));
    }
}
