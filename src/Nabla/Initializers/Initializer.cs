using Nabla.Configuration;

namespace Nabla.Initializers;

/// <summary>
/// Fills a weight tensor with starting values, like <c>keras.initializers.Initializer</c>. Each initializer
/// also states the standard deviation it aims for, so the training doctor can tell weights that drifted
/// from weights that started that way.
/// </summary>
public abstract partial class Initializer : IKerasSerializable
{
    /// <summary>An argument that must be a finite number (a config's 1e400 reads as infinity), named in the error.</summary>
    private protected static double Finite(double value, string argument, bool nonNegative = false)
    {
        if (!double.IsFinite(value) || (nonNegative && value < 0))
            throw new ArgumentOutOfRangeException(argument, value,
                $"Initializer argument '{argument}' must be a finite{(nonNegative ? " non-negative" : "")} number, found {value}.");
        return value;
    }

    public abstract string ClassName { get; }

    public abstract Config GetConfig();

    /// <summary>Overwrites every element of <paramref name="tensor"/>.</summary>
    public void Fill(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Fill(tensor.Data, tensor.Shape);
    }

    /// <summary>A new tensor of the given shape filled by this initializer.</summary>
    public Tensor Create(params int[] shape)
    {
        var tensor = new Tensor(shape);
        Fill(tensor);
        return tensor;
    }

    /// <summary>Writes the values for a tensor of <paramref name="shape"/> into <paramref name="values"/>.</summary>
    protected abstract void Fill(Span<float> values, int[] shape);

    /// <summary>The standard deviation of the values this initializer produces for a weight with these fans
    /// (0 for constants).</summary>
    public abstract double ExpectedStd(int fanIn, int fanOut);

    /// <summary>
    /// Keras's <c>compute_fans</c>: a scalar has fans 1; a vector [n] has fan_in = fan_out = n; a matrix
    /// [in, out] has fan_in = in, fan_out = out; a convolution kernel [..., in, out] multiplies both by the
    /// receptive field size (the product of the leading dimensions).
    /// </summary>
    public static (int FanIn, int FanOut) ComputeFans(ReadOnlySpan<int> shape)
    {
        if (shape.Length == 0) return (1, 1);
        if (shape.Length == 1) return (shape[0], shape[0]);
        if (shape.Length == 2) return (shape[0], shape[1]);
        long receptiveField = 1;
        foreach (int d in shape[..^2]) receptiveField *= d;
        return (checked((int)(shape[^2] * receptiveField)), checked((int)(shape[^1] * receptiveField)));
    }

    public override string ToString() => ClassName;
}
