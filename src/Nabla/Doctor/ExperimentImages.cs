using Nabla.Configuration;

namespace Nabla.Doctor;

/// <summary>
/// The experiment file's <c>"data": {"image_shape": [height, width, channels]}</c>: rows of pixels fed to a
/// convolutional network as channels_last images ([steps, channels] for Conv1D: MNIST's [28, 28] reads each digit
/// as 28 rows of 28 values). The MNIST sample's 28×28 digits can also be shrunk by an
/// integer factor ([14, 14, 1] or [7, 7, 1]: each pixel the mean of a 2×2 or 4×4 block), which keeps CNN
/// experiments small; a file's rows must hold exactly height·width·channels values.
/// </summary>
internal static class ExperimentImages
{
    /// <summary>The MNIST digits' own shape.</summary>
    public static readonly int[] MnistShape = [28, 28, 1];

    /// <param name="sourceShape">The image shape the rows hold when the source knows it (MNIST), which may be shrunk; null for files.</param>
    public static Tensor Apply(Tensor x, ExperimentSection data, int[]? sourceShape)
    {
        if (data.Raw("image_shape") is not { } value) return x;
        const string field = "image_shape";
        int[] shape = value is List<object?> { Count: 2 or 3 } list && list.All(v => v is long or int)
            ? list.Select(Convert.ToInt32).ToArray()
            : throw data.Error(field, "[height, width, channels] or [steps, channels] (positive integers)",
                value is List<object?> items ? $"[{string.Join(", ", items.Select(Config.Describe))}]" : Config.Describe(value));
        if (shape.Any(d => d <= 0)) throw data.Error(field, "positive integers", $"[{string.Join(", ", shape)}]");
        int n = x.Shape[0], row = x.Size / Math.Max(1, n);
        long wanted = shape.Aggregate(1L, (p, d) => p * d);
        if (wanted == row) return Tensor.FromArray(x.Data, [n, .. shape]);
        if (shape.Length == 3 && sourceShape is [int h, int w, int c] && h * w * c == row && shape[2] == c && h % shape[0] == 0 && w % shape[1] == 0)
            return Shrink(x.Data, n, h, w, c, h / shape[0], w / shape[1]);
        string shrinkable = sourceShape is null ? "" : $", or a shape that divides {sourceShape[0]}x{sourceShape[1]} with {sourceShape[2]} channel(s)";
        throw data.Error(field, $"a shape of {row} values per sample{shrinkable}", $"[{string.Join(", ", shape)}]");
    }

    /// <summary>Each output pixel the mean of an fy×fx block of the input (area downsampling).</summary>
    private static Tensor Shrink(float[] pixels, int n, int h, int w, int c, int fy, int fx)
    {
        int oh = h / fy, ow = w / fx;
        var result = new Tensor(n, oh, ow, c);
        float inverse = 1f / (fy * fx);
        var output = result.Data;
        for (int i = 0; i < n; i++)
            for (int r = 0; r < oh; r++)
                for (int col = 0; col < ow; col++)
                    for (int ch = 0; ch < c; ch++)
                    {
                        float sum = 0;
                        for (int y = 0; y < fy; y++)
                            for (int x = 0; x < fx; x++)
                                sum += pixels[((i * h + r * fy + y) * w + col * fx + x) * c + ch];
                        output[((i * oh + r) * ow + col) * c + ch] = sum * inverse;
                    }
        return result;
    }
}
