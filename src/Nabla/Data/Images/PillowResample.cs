namespace Nabla.Data;

/// <summary>
/// Pillow's <c>Image.resize(size, resample, box)</c> of 8-bit images [height, width, channels] (1 "L", 3 "RGB",
/// 4 "RGBA" channels), as Keras's <c>load_img</c> calls it: "nearest" picks pixels as Pillow's affine transform does;
/// the other filters are Pillow's <c>ImagingResample</c>, a horizontal then a vertical convolution in 8-bit fixed
/// point, bit for bit (checked against Pillow 9.4.0 in <c>PillowResampleTests</c>).
/// </summary>
internal static class PillowResample
{
    /// <summary>Keras's <c>PIL_INTERPOLATION_METHODS</c>, in its order.</summary>
    public static IReadOnlyList<string> Interpolations { get; } = ["nearest", "bilinear", "bicubic", "hamming", "box", "lanczos"];

    /// <summary>Pillow's <c>PRECISION_BITS</c>: 32 bits less 8 for the pixel and 2 for the sums that filters with
    /// negative lobes push below 0 or above 255.</summary>
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>
    /// The <paramref name="box"/> of <paramref name="pixels"/> (the whole image, or Keras's central window) resized to
    /// <paramref name="outHeight"/> x <paramref name="outWidth"/> with <paramref name="interpolation"/>, one of
    /// <see cref="Interpolations"/>. The caller returns the image itself when it already has the target's size, as
    /// Keras's load_img does.
    /// </summary>
    public static byte[] Resize(byte[] pixels, int height, int width, int channels, (int Top, int Left, int Height, int Width) box,
        int outHeight, int outWidth, string interpolation)
    {
        if (interpolation == "nearest") return Nearest(pixels, width, channels, box, outHeight, outWidth);
        var (filter, support) = FilterOf(interpolation);
        // Pillow resizes RGBA with any filter but nearest as premultiplied "RGBa" and converts back after, so colour
        // under transparent pixels does not bleed into its neighbours; the round trip itself changes some levels.
        bool premultiplied = channels == 4;
        var source = premultiplied ? Premultiply(pixels) : pixels;
        var result = box.Height == outHeight && box.Width == outWidth
            ? Crop(source, width, channels, box) // Pillow's _resize crops a box of the target's size without resampling.
            : Resample(source, height, width, channels, box, outHeight, outWidth, filter, support);
        if (premultiplied) Unpremultiply(result);
        return result;
    }

    /// <summary>Pillow's filters and their supports (Resample.c).</summary>
    private static (Func<double, double> Filter, double Support) FilterOf(string interpolation) => interpolation switch
    {
        "box" => (Box, 0.5),
        "bilinear" => (Triangle, 1.0),
        "hamming" => (Hamming, 1.0),
        "bicubic" => (Bicubic, 2.0),
        "lanczos" => (Lanczos, 3.0),
        _ => throw new ArgumentException(
            $"interpolation must be one of {string.Join(", ", Interpolations)}; found '{interpolation}'.", nameof(interpolation)),
    };

    // Half-open on the left, closed on the right, as Pillow's: a tap exactly half a pixel away counts on one side only.
    private static double Box(double x) => x > -0.5 && x <= 0.5 ? 1.0 : 0.0;

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Hamming(double x)
    {
        x = Math.Abs(x);
        if (x == 0.0) return 1.0;
        if (x >= 1.0) return 0.0;
        x *= Math.PI;
        // Pillow writes the window's constants as C floats (0.54f, 0.46f): widened to double they are not 0.54 and 0.46.
        return Math.Sin(x) / x * (0.54f + 0.46f * Math.Cos(x));
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5; // Pillow's (Catmull-Rom), not the -0.75 of some other libraries.
        x = Math.Abs(x);
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    private static double Lanczos(double x) => -3.0 <= x && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;

    private static double Sinc(double x)
    {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    /// <summary>
    /// Pillow's <c>ImagingResampleInner</c>: a pass along an axis runs only when that axis changes size or the box
    /// does not span it, and the horizontal pass only makes the rows the vertical pass reads. Each pass rounds to
    /// 8 bits, as Pillow's intermediate image is 8-bit.
    /// </summary>
    private static byte[] Resample(byte[] pixels, int height, int width, int channels, (int Top, int Left, int Height, int Width) box,
        int outHeight, int outWidth, Func<double, double> filter, double support)
    {
        bool horizontal = outWidth != width || box.Left != 0 || box.Left + box.Width != width;
        bool vertical = outHeight != height || box.Top != 0 || box.Top + box.Height != height;
        var rows = Coefficients(height, box.Top, box.Top + box.Height, outHeight, filter, support);
        var image = pixels;
        int imageWidth = width;
        if (horizontal)
        {
            int first = rows.Bounds[0];
            int last = rows.Bounds[2 * outHeight - 2] + rows.Bounds[2 * outHeight - 1];
            var columns = Coefficients(width, box.Left, box.Left + box.Width, outWidth, filter, support);
            image = Horizontal(pixels, width, channels, first, last - first, columns, outWidth);
            imageWidth = outWidth;
            for (int y = 0; y < outHeight; y++) rows.Bounds[2 * y] -= first; // the vertical pass reads the rows made here
        }
        if (vertical) image = Vertical(image, imageWidth, channels, rows, outHeight);
        return ReferenceEquals(image, pixels) ? (byte[])pixels.Clone() : image;
    }

    /// <summary>One axis's taps: for output position i, the first input position Bounds[2i], their count
    /// Bounds[2i + 1], and their weights in fixed point at Weights[i·Size..].</summary>
    private sealed record Taps(int[] Bounds, int[] Weights, int Size);

    /// <summary>
    /// Pillow's <c>precompute_coeffs</c> then <c>normalize_coeffs_8bpc</c>: output position i is centred at
    /// in0 + (i + 0.5)·scale in the input; a downscale widens the filter by the scale (so every input pixel counts), an
    /// upscale does not; the window's ends round half up from the centre ± support; the weights are normalized to sum
    /// to 1, then rounded to <see cref="PrecisionBits"/> fractional bits, halves away from zero.
    /// </summary>
    private static Taps Coefficients(int inSize, int in0, int in1, int outSize, Func<double, double> filter, double filterSupport)
    {
        double scale = (double)(in1 - in0) / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filterSupport * filterScale;
        int size = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[2 * outSize];
        var weights = new int[outSize * size];
        var w = new double[size];
        // Pillow multiplies by the reciprocal rather than dividing by the scale; the last bit can differ, so do the same.
        double step = 1.0 / filterScale;
        for (int i = 0; i < outSize; i++)
        {
            double center = in0 + (i + 0.5) * scale;
            int min = Math.Max(0, (int)(center - support + 0.5));
            int count = Math.Min(inSize, (int)(center + support + 0.5)) - min;
            double sum = 0.0;
            for (int x = 0; x < count; x++)
            {
                w[x] = filter((x + min - center + 0.5) * step);
                sum += w[x];
            }
            var k = weights.AsSpan(i * size, size);
            for (int x = 0; x < count; x++)
            {
                double v = sum != 0.0 ? w[x] / sum : w[x];
                k[x] = (int)(v < 0 ? -0.5 + v * (1 << PrecisionBits) : 0.5 + v * (1 << PrecisionBits));
            }
            bounds[2 * i] = min;
            bounds[2 * i + 1] = count;
        }
        return new Taps(bounds, weights, size);
    }

    /// <summary>Rows first..first+count of the image, each resampled across to <paramref name="outWidth"/> columns.</summary>
    private static byte[] Horizontal(byte[] pixels, int width, int channels, int first, int count, Taps columns, int outWidth)
    {
        var result = new byte[count * outWidth * channels];
        Span<int> sums = stackalloc int[4];
        for (int y = 0; y < count; y++)
        {
            var row = pixels.AsSpan((first + y) * width * channels, width * channels);
            var outRow = result.AsSpan(y * outWidth * channels, outWidth * channels);
            for (int x = 0; x < outWidth; x++)
            {
                int min = columns.Bounds[2 * x], taps = columns.Bounds[2 * x + 1];
                var k = columns.Weights.AsSpan(x * columns.Size, taps);
                var window = row.Slice(min * channels, taps * channels);
                sums.Fill(1 << (PrecisionBits - 1)); // a half, so the final shift rounds rather than truncates
                for (int i = 0; i < taps; i++)
                    for (int c = 0; c < channels; c++)
                        sums[c] += window[i * channels + c] * k[i];
                for (int c = 0; c < channels; c++) outRow[x * channels + c] = Clip8(sums[c]);
            }
        }
        return result;
    }

    /// <summary>The image (<paramref name="width"/> columns) resampled down its rows to <paramref name="outHeight"/>,
    /// accumulating whole input rows so the reads run along memory.</summary>
    private static byte[] Vertical(byte[] pixels, int width, int channels, Taps rows, int outHeight)
    {
        int stride = width * channels;
        var result = new byte[outHeight * stride];
        var sums = new int[stride];
        for (int y = 0; y < outHeight; y++)
        {
            int min = rows.Bounds[2 * y], taps = rows.Bounds[2 * y + 1];
            var k = rows.Weights.AsSpan(y * rows.Size, taps);
            sums.AsSpan().Fill(1 << (PrecisionBits - 1));
            for (int i = 0; i < taps; i++)
            {
                var row = pixels.AsSpan((min + i) * stride, stride);
                int weight = k[i];
                for (int v = 0; v < stride; v++) sums[v] += row[v] * weight;
            }
            var outRow = result.AsSpan(y * stride, stride);
            for (int v = 0; v < stride; v++) outRow[v] = Clip8(sums[v]);
        }
        return result;
    }

    /// <summary>Pillow's <c>clip8</c>: the fixed-point sum's integer part, clamped to 0..255.</summary>
    private static byte Clip8(int sum) => (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);

    /// <summary>Pillow's RGBA to "RGBa": each colour times alpha / 255, rounded as its MULDIV255 does.</summary>
    private static byte[] Premultiply(byte[] pixels)
    {
        var result = (byte[])pixels.Clone();
        for (int p = 0; p < result.Length; p += 4)
        {
            int alpha = result[p + 3];
            for (int c = 0; c < 3; c++)
            {
                int t = result[p + c] * alpha + 128;
                result[p + c] = (byte)(((t >> 8) + t) >> 8);
            }
        }
        return result;
    }

    /// <summary>Pillow's "RGBa" to RGBA: each colour times 255 / alpha, truncated and clamped; alpha 0 and 255 leave
    /// the colour as it is.</summary>
    private static void Unpremultiply(byte[] pixels)
    {
        for (int p = 0; p < pixels.Length; p += 4)
        {
            int alpha = pixels[p + 3];
            if (alpha is 0 or 255) continue;
            for (int c = 0; c < 3; c++) pixels[p + c] = (byte)Math.Min(255, 255 * pixels[p + c] / alpha);
        }
    }

    private static byte[] Crop(byte[] pixels, int width, int channels, (int Top, int Left, int Height, int Width) box)
    {
        var result = new byte[box.Height * box.Width * channels];
        for (int y = 0; y < box.Height; y++)
            pixels.AsSpan(((box.Top + y) * width + box.Left) * channels, box.Width * channels)
                .CopyTo(result.AsSpan(y * box.Width * channels));
        return result;
    }

    /// <summary>
    /// Pillow's nearest-neighbour resize of a box (its <c>ImagingScaleAffine</c>): the source column of output column x
    /// is the integer part of left + scale·0.5 + x·scale, the position accumulated by adding scale once per column in
    /// double precision as Pillow does (so a position that lands on a pixel edge picks the same pixel); rows likewise.
    /// </summary>
    private static byte[] Nearest(byte[] pixels, int width, int channels, (int Top, int Left, int Height, int Width) box,
        int outHeight, int outWidth)
    {
        var columns = Positions(box.Left, (double)box.Width / outWidth, outWidth);
        var rows = Positions(box.Top, (double)box.Height / outHeight, outHeight);
        var result = new byte[outHeight * outWidth * channels];
        for (int y = 0; y < outHeight; y++)
            for (int x = 0; x < outWidth; x++)
                Array.Copy(pixels, ((long)rows[y] * width + columns[x]) * channels, result, ((long)y * outWidth + x) * channels, channels);
        return result;
    }

    private static int[] Positions(int start, double scale, int count)
    {
        var positions = new int[count];
        double position = start + scale * 0.5;
        for (int i = 0; i < count; i++, position += scale) positions[i] = (int)position;
        return positions;
    }
}
