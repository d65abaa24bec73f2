namespace Nabla.Layers;

/// <summary>
/// A 2-D size (kernel, strides, pool, dilation) given as one int for both axes or as a (height, width) tuple,
/// as Keras takes an int or a tuple: <c>kernelSize: 3</c> or <c>kernelSize: (3, 5)</c>.
/// </summary>
public readonly record struct Size2D(int Height, int Width)
{
    public static implicit operator Size2D(int size) => new(size, size);

    public static implicit operator Size2D((int Height, int Width) size) => new(size.Height, size.Width);

    internal (int Height, int Width) Pair => (Height, Width);

    /// <summary>Throws naming the layer and argument when either side is not positive.</summary>
    internal Size2D CheckPositive(string layer, string argument)
    {
        if (Height <= 0 || Width <= 0)
            throw new ArgumentException($"{layer}: '{argument}' must be positive integers, found ({Height}, {Width}).", argument);
        return this;
    }

    public override string ToString() => $"({Height}, {Width})";
}
