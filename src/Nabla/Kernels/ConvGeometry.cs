namespace Nabla.Kernels;

/// <summary>How a convolution or pooling window treats the borders, as Keras names it.</summary>
internal enum ConvPadding
{
    /// <summary>No padding: only windows that fit entirely inside the input.</summary>
    Valid,
    /// <summary>Zero padding so that the output has ⌈input / stride⌉ positions; an odd total puts the extra cell
    /// at the bottom/right (TensorFlow's split, which Keras uses).</summary>
    Same,
    /// <summary>1-D only: all the padding on the left (dilation·(kernel − 1) cells), so output t sees inputs ≤ t.</summary>
    Causal,
}

/// <summary>
/// The per-sample geometry of a channels-last convolution or pooling window: input [height, width, channels],
/// a window of kernelHeight × kernelWidth cells (dilated), strides and explicit zero padding on each side.
/// A 1-D layer is the same geometry with height 1 and a window of height 1.
/// </summary>
internal sealed record ConvGeometry(
    int InHeight, int InWidth, int Channels,
    int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth,
    int DilationHeight, int DilationWidth,
    int PadTop, int PadBottom, int PadLeft, int PadRight)
{
    public int OutHeight { get; } = OutputLength(InHeight, PadTop + PadBottom, KernelHeight, StrideHeight, DilationHeight);

    public int OutWidth { get; } = OutputLength(InWidth, PadLeft + PadRight, KernelWidth, StrideWidth, DilationWidth);

    /// <summary>Values in one window across all channels: one row of the im2col matrix, kh·kw·channels.</summary>
    public int PatchSize => KernelHeight * KernelWidth * Channels;

    public int OutPositions => OutHeight * OutWidth;

    public int InSize => InHeight * InWidth * Channels;

    /// <summary>A 1×1 window with stride 1 and no padding: the im2col matrix is the input itself.</summary>
    public bool IsPointwise =>
        KernelHeight == 1 && KernelWidth == 1 && StrideHeight == 1 && StrideWidth == 1
        && PadTop == 0 && PadBottom == 0 && PadLeft == 0 && PadRight == 0;

    /// <summary>
    /// The geometry for a padding mode, checking every size. <paramref name="what"/> names the layer or op in
    /// errors. Throws <see cref="ArgumentException"/> when the window does not fit (a valid convolution whose
    /// dilated kernel is larger than the input), as Keras refuses a negative output size.
    /// </summary>
    public static ConvGeometry Create(string what, int inHeight, int inWidth, int channels,
        (int Height, int Width) kernel, (int Height, int Width) strides, (int Height, int Width) dilation, ConvPadding padding)
    {
        Positive(what, "input height", inHeight);
        Positive(what, "input width", inWidth);
        Positive(what, "channels", channels);
        Positive(what, "kernel height", kernel.Height);
        Positive(what, "kernel width", kernel.Width);
        Positive(what, "stride height", strides.Height);
        Positive(what, "stride width", strides.Width);
        Positive(what, "dilation height", dilation.Height);
        Positive(what, "dilation width", dilation.Width);
        if (padding == ConvPadding.Causal && (inHeight != 1 || kernel.Height != 1))
            throw new ArgumentException($"{what}: causal padding is only defined for 1-D inputs.");
        var (top, bottom) = Pads(padding == ConvPadding.Causal ? ConvPadding.Valid : padding, inHeight, kernel.Height, strides.Height, dilation.Height);
        var (left, right) = Pads(padding, inWidth, kernel.Width, strides.Width, dilation.Width);
        var geometry = new ConvGeometry(inHeight, inWidth, channels, kernel.Height, kernel.Width,
            strides.Height, strides.Width, dilation.Height, dilation.Width, top, bottom, left, right);
        if (geometry.OutHeight <= 0 || geometry.OutWidth <= 0)
            throw new ArgumentException(
                $"{what}: a window of {(kernel.Height - 1) * dilation.Height + 1}×{(kernel.Width - 1) * dilation.Width + 1} " +
                $"(kernel {kernel.Height}×{kernel.Width}, dilation {dilation.Height}×{dilation.Width}) does not fit an input of " +
                $"{inHeight}×{inWidth} with padding \"{padding.ToString().ToLowerInvariant()}\": the output would be empty.");
        if ((long)geometry.OutPositions * geometry.PatchSize > int.MaxValue || (long)inHeight * inWidth * channels > int.MaxValue)
            throw new ArgumentException($"{what}: input {inHeight}×{inWidth}×{channels} is too large for one sample.");
        return geometry;
    }

    /// <summary>Padding before and after along one axis, TensorFlow's rule for "same" (Keras follows it).</summary>
    private static (int Before, int After) Pads(ConvPadding padding, int input, int kernel, int stride, int dilation)
    {
        int window = (kernel - 1) * dilation + 1;
        switch (padding)
        {
            case ConvPadding.Same:
                int output = (input + stride - 1) / stride;
                int total = Math.Max((output - 1) * stride + window - input, 0);
                return (total / 2, total - total / 2);
            case ConvPadding.Causal:
                return (window - 1, 0);
            default:
                return (0, 0);
        }
    }

    private static int OutputLength(int input, int padding, int kernel, int stride, int dilation)
    {
        int window = (kernel - 1) * dilation + 1;
        int span = input + padding - window;
        return span < 0 ? 0 : span / stride + 1;
    }

    private static void Positive(string what, string name, int value)
    {
        if (value <= 0) throw new ArgumentException($"{what}: {name} must be a positive integer, found {value}.");
    }
}
