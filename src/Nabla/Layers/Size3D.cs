namespace Nabla.Layers;

/// <summary>
/// A 3-D size (kernel, strides, pool, dilation, upsampling factor) given as one int for all three axes or as a
/// (depth, height, width) tuple, as Keras takes an int or a tuple: <c>kernelSize: 3</c> or <c>kernelSize: (3, 3, 5)</c>.
/// Nabla's convolution and pooling layers hold their windows as a Size3D; a 2-D window has depth 1.
/// </summary>
public readonly record struct Size3D(int Depth, int Height, int Width)
{
    public static implicit operator Size3D(int size) => new(size, size, size);

    public static implicit operator Size3D((int Depth, int Height, int Width) size) => new(size.Depth, size.Height, size.Width);

    /// <summary>A 2-D size as a window of depth 1.</summary>
    internal static Size3D Flat(Size2D size) => new(1, size.Height, size.Width);

    /// <summary>The (height, width) plane.</summary>
    internal Size2D Plane => new(Height, Width);

    internal (int Depth, int Height, int Width) Triple => (Depth, Height, Width);

    /// <summary>Whether any axis exceeds 1.</summary>
    internal bool AboveOne => Depth > 1 || Height > 1 || Width > 1;

    /// <summary>The sizes of the last <paramref name="rank"/> axes (width; height, width; depth, height, width).</summary>
    internal int[] Last(int rank) => rank switch { 1 => [Width], 2 => [Height, Width], _ => [Depth, Height, Width] };

    /// <summary>Sizes of 1, 2 or 3 axes, the missing leading ones <paramref name="missing"/>: 1 for a window (a 1-D size
    /// is 1 × 1 × width), 0 for a padding.</summary>
    internal static Size3D FromLast(int[] size, int missing = 1) => size.Length switch
    {
        1 => new(missing, missing, size[0]),
        2 => new(missing, size[0], size[1]),
        _ => new(size[0], size[1], size[2]),
    };

    /// <summary>Throws naming the layer and argument when any axis is not positive.</summary>
    internal Size3D CheckPositive(string layer, string argument)
    {
        if (Depth <= 0 || Height <= 0 || Width <= 0)
            throw new ArgumentException($"{layer}: '{argument}' must be positive integers, found {Describe()}.", argument);
        return this;
    }

    /// <summary>A 2-D size (depth 1) as its plane, "(h, w)", as the 2-D layers have always written it; else all three axes.</summary>
    internal string Describe() => Depth == 1 ? Plane.ToString() : ToString();

    public override string ToString() => $"({Depth}, {Height}, {Width})";
}
