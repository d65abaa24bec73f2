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
/// The per-sample geometry of a channels-last convolution or pooling window: input [depth, height, width, channels],
/// a window of kernelDepth × kernelHeight × kernelWidth cells (dilated), strides and explicit zero padding on each
/// side. A 2-D layer is the same geometry with depth 1 (the depth parameters' defaults), a 1-D layer with height 1 too.
/// </summary>
internal sealed record ConvGeometry(
    int InHeight, int InWidth, int Channels,
    int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth,
    int DilationHeight, int DilationWidth,
    int PadTop, int PadBottom, int PadLeft, int PadRight,
    int InDepth = 1, int KernelDepth = 1, int StrideDepth = 1, int DilationDepth = 1, int PadFront = 0, int PadBack = 0)
{
    public int OutDepth { get; } = OutputLength(InDepth, PadFront + PadBack, KernelDepth, StrideDepth, DilationDepth);

    public int OutHeight { get; } = OutputLength(InHeight, PadTop + PadBottom, KernelHeight, StrideHeight, DilationHeight);

    public int OutWidth { get; } = OutputLength(InWidth, PadLeft + PadRight, KernelWidth, StrideWidth, DilationWidth);

    /// <summary>Values in one window across all channels: one row of the im2col matrix, kd·kh·kw·channels.</summary>
    public int PatchSize => KernelDepth * KernelHeight * KernelWidth * Channels;

    public int OutPositions => OutDepth * OutHeight * OutWidth;

    public int InSize => InDepth * InHeight * InWidth * Channels;

    /// <summary>Window cells per depth slice of a patch (kh·kw·channels): the stride between a patch's depth slices.</summary>
    public int PlanePatchSize => KernelHeight * KernelWidth * Channels;

    /// <summary>The input's spatial axes for a layer of <paramref name="spatialRank"/> (1, 2 or 3) axes: [w], [h, w] or [d, h, w].</summary>
    public int[] InSpatial(int spatialRank) => Last(spatialRank, InDepth, InHeight, InWidth);

    /// <summary>The output's spatial axes for a layer of <paramref name="spatialRank"/> axes.</summary>
    public int[] OutSpatial(int spatialRank) => Last(spatialRank, OutDepth, OutHeight, OutWidth);

    /// <summary>The window's spatial axes (a Keras kernel's leading axes) for a layer of <paramref name="spatialRank"/> axes.</summary>
    public int[] KernelSpatial(int spatialRank) => Last(spatialRank, KernelDepth, KernelHeight, KernelWidth);

    /// <summary>Whether a layer of <paramref name="spatialRank"/> axes holds this geometry: the axes it lacks are one
    /// unpadded cell.</summary>
    public bool FitsSpatialRank(int spatialRank) =>
        spatialRank is >= 1 and <= 3
        && (spatialRank == 3 || (InDepth == 1 && KernelDepth == 1 && PadFront + PadBack == 0))
        && (spatialRank >= 2 || (InHeight == 1 && KernelHeight == 1 && PadTop + PadBottom == 0));

    private static int[] Last(int rank, int depth, int height, int width) =>
        rank switch { 1 => [width], 2 => [height, width], _ => [depth, height, width] };

    /// <summary>A 1×1(×1) window with stride 1 and no padding: the im2col matrix is the input itself.</summary>
    public bool IsPointwise =>
        KernelHeight == 1 && KernelWidth == 1 && StrideHeight == 1 && StrideWidth == 1
        && PadTop == 0 && PadBottom == 0 && PadLeft == 0 && PadRight == 0
        && KernelDepth == 1 && StrideDepth == 1 && PadFront == 0 && PadBack == 0;

    /// <summary>
    /// The geometry for a padding mode, checking every size. <paramref name="what"/> names the layer or op in
    /// errors. Throws <see cref="ArgumentException"/> when the window does not fit (a valid convolution whose
    /// dilated kernel is larger than the input), as Keras refuses a negative output size.
    /// </summary>
    public static ConvGeometry Create(string what, int inHeight, int inWidth, int channels,
        (int Height, int Width) kernel, (int Height, int Width) strides, (int Height, int Width) dilation, ConvPadding padding)
    {
        CheckPositive(what, inHeight, inWidth, channels, kernel, strides, dilation);
        if (padding == ConvPadding.Causal && (inHeight != 1 || kernel.Height != 1))
            throw new ArgumentException($"{what}: causal padding is only defined for 1-D inputs.");
        var (top, bottom) = Pads(padding == ConvPadding.Causal ? ConvPadding.Valid : padding, inHeight, kernel.Height, strides.Height, dilation.Height);
        var (left, right) = Pads(padding, inWidth, kernel.Width, strides.Width, dilation.Width);
        return Checked(what, new ConvGeometry(inHeight, inWidth, channels, kernel.Height, kernel.Width,
            strides.Height, strides.Width, dilation.Height, dilation.Width, top, bottom, left, right),
            $"padding \"{padding.ToString().ToLowerInvariant()}\"");
    }

    /// <summary>
    /// A 2-D geometry with explicit zero padding on each side, checked as the padding-mode overload checks its own: for
    /// windows no padding mode names, such as a transposed convolution's with Keras's output_padding.
    /// </summary>
    public static ConvGeometry CreatePadded(string what, int inHeight, int inWidth, int channels,
        (int Height, int Width) kernel, (int Height, int Width) strides, (int Height, int Width) dilation,
        (int Top, int Bottom) rows, (int Left, int Right) columns)
    {
        CheckPositive(what, inHeight, inWidth, channels, kernel, strides, dilation);
        if (rows.Top < 0 || rows.Bottom < 0 || columns.Left < 0 || columns.Right < 0)
            throw new ArgumentException($"{what}: padding must not be negative, found {rows} rows and {columns} columns.");
        return Checked(what, new ConvGeometry(inHeight, inWidth, channels, kernel.Height, kernel.Width,
            strides.Height, strides.Width, dilation.Height, dilation.Width, rows.Top, rows.Bottom, columns.Left, columns.Right),
            $"padding {rows} rows and {columns} columns");
    }

    /// <summary>Refuses a 2-D geometry whose window leaves no output or whose sample is too large to index.</summary>
    private static ConvGeometry Checked(string what, ConvGeometry g, string padding)
    {
        if (g.OutHeight <= 0 || g.OutWidth <= 0)
            throw new ArgumentException(
                $"{what}: a window of {(g.KernelHeight - 1) * g.DilationHeight + 1}×{(g.KernelWidth - 1) * g.DilationWidth + 1} " +
                $"(kernel {g.KernelHeight}×{g.KernelWidth}, dilation {g.DilationHeight}×{g.DilationWidth}) does not fit an input of " +
                $"{g.InHeight}×{g.InWidth} with {padding}: the output would be empty.");
        if ((long)g.OutPositions * g.PatchSize > int.MaxValue || (long)g.InHeight * g.InWidth * g.Channels > int.MaxValue)
            throw new ArgumentException($"{what}: input {g.InHeight}×{g.InWidth}×{g.Channels} is too large for one sample.");
        return g;
    }

    /// <summary>
    /// The geometry of a 3-D window over [depth, height, width, channels]: the 2-D geometry of its (height, width)
    /// plane, checked as the 2-D overload checks it, with the depth axis padded by the same rule.
    /// </summary>
    public static ConvGeometry Create(string what, int inDepth, int inHeight, int inWidth, int channels,
        (int Depth, int Height, int Width) kernel, (int Depth, int Height, int Width) strides,
        (int Depth, int Height, int Width) dilation, ConvPadding padding)
    {
        CheckDepth(what, inDepth, kernel.Depth, strides.Depth, dilation.Depth);
        if (padding == ConvPadding.Causal) throw new ArgumentException($"{what}: causal padding is only defined for 1-D inputs.");
        var plane = Create(what, inHeight, inWidth, channels, (kernel.Height, kernel.Width), (strides.Height, strides.Width),
            (dilation.Height, dilation.Width), padding);
        return WithDepth(what, plane, inDepth, kernel.Depth, strides.Depth, dilation.Depth,
            Pads(padding, inDepth, kernel.Depth, strides.Depth, dilation.Depth), $"padding \"{padding.ToString().ToLowerInvariant()}\"");
    }

    /// <summary>
    /// A 3-D geometry with explicit zero padding on each side (a transposed convolution's with output_padding): the 2-D
    /// padded geometry of its plane with the depth axis added, checked as <see cref="Create(string, int, int, int, int,
    /// ValueTuple{int, int, int}, ValueTuple{int, int, int}, ValueTuple{int, int, int}, ConvPadding)"/> checks its own.
    /// A depth of 1 with a window of depth 1 and no depth padding is the 2-D geometry itself.
    /// </summary>
    public static ConvGeometry CreatePadded(string what, int inDepth, int inHeight, int inWidth, int channels,
        (int Depth, int Height, int Width) kernel, (int Depth, int Height, int Width) strides,
        (int Depth, int Height, int Width) dilation, (int Front, int Back) depth, (int Top, int Bottom) rows, (int Left, int Right) columns)
    {
        CheckDepth(what, inDepth, kernel.Depth, strides.Depth, dilation.Depth);
        if (depth.Front < 0 || depth.Back < 0)
            throw new ArgumentException($"{what}: padding must not be negative, found {depth} along the depth.");
        var plane = CreatePadded(what, inHeight, inWidth, channels, (kernel.Height, kernel.Width), (strides.Height, strides.Width),
            (dilation.Height, dilation.Width), rows, columns);
        return WithDepth(what, plane, inDepth, kernel.Depth, strides.Depth, dilation.Depth, depth, $"padding {depth} along the depth");
    }

    private static void CheckDepth(string what, int inDepth, int kernel, int stride, int dilation)
    {
        Positive(what, "input depth", inDepth);
        Positive(what, "kernel depth", kernel);
        Positive(what, "stride depth", stride);
        Positive(what, "dilation depth", dilation);
    }

    /// <summary>A checked 2-D geometry <paramref name="p"/> with a depth axis, refused when the depth leaves no output.</summary>
    private static ConvGeometry WithDepth(string what, ConvGeometry p, int inDepth, int kernel, int stride, int dilation,
        (int Front, int Back) pads, string padding)
    {
        // Built anew rather than with `with`: OutDepth is computed once, by the constructor.
        var geometry = new ConvGeometry(p.InHeight, p.InWidth, p.Channels, p.KernelHeight, p.KernelWidth, p.StrideHeight, p.StrideWidth,
            p.DilationHeight, p.DilationWidth, p.PadTop, p.PadBottom, p.PadLeft, p.PadRight,
            inDepth, kernel, stride, dilation, pads.Front, pads.Back);
        if (geometry.OutDepth <= 0)
            throw new ArgumentException(
                $"{what}: a window of depth {(kernel - 1) * dilation + 1} (kernel {kernel}, dilation {dilation}) " +
                $"does not fit an input depth of {inDepth} with {padding}: the output would be empty.");
        if ((long)geometry.OutPositions * geometry.PatchSize > int.MaxValue || (long)inDepth * p.InHeight * p.InWidth * p.Channels > int.MaxValue)
            throw new ArgumentException($"{what}: input {inDepth}×{p.InHeight}×{p.InWidth}×{p.Channels} is too large for one sample.");
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

    private static void CheckPositive(string what, int inHeight, int inWidth, int channels,
        (int Height, int Width) kernel, (int Height, int Width) strides, (int Height, int Width) dilation)
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
    }

    private static void Positive(string what, string name, int value)
    {
        if (value <= 0) throw new ArgumentException($"{what}: {name} must be a positive integer, found {value}.");
    }
}
