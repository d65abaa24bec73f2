using Nabla.Configuration;
using Nabla.Layers;
using StbImageWriteSharp;

namespace Nabla.Data;

/// <summary>Keras's <c>keras.utils.save_img</c> and <c>array_to_img</c>'s scaling (keras/src/utils/image_utils.py),
/// written with StbImageWriteSharp, a managed port of stb_image_write.</summary>
internal static class ImageWriting
{
    private static readonly string[] FileFormats = ["png", "jpeg", "bmp"];

    /// <summary>Pillow's default JPEG quality, which Keras's save_img leaves in place.</summary>
    public const int JpegQuality = 75;

    public static void Save(string path, Tensor image, string? fileFormat, bool scale, string? dataFormat)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(image);
        var layout = ImageLayout.Parse("SaveImg", dataFormat);
        string format = (fileFormat ?? Path.GetExtension(path).TrimStart('.')).ToLowerInvariant() switch
        {
            "jpg" => "jpeg",
            var f => f,
        };
        if (!FileFormats.Contains(format))
            throw new ArgumentException($"SaveImg: file format '{format}' (from {(fileFormat is null ? $"'{path}'" : "fileFormat")}) is not one Nabla writes; it writes {string.Join(", ", FileFormats)}.", nameof(fileFormat));
        if (image.Rank != 3)
            throw new ArgumentException($"SaveImg: expected one image {layout.Describe(2, batch: false)}; found shape {Tensor.ShapeString(image.Shape)}.", nameof(image));
        var shape = layout.ToLast(image.Shape);
        int height = shape[0], width = shape[1], channels = shape[2];
        if (channels is not (1 or 3 or 4))
            throw new ArgumentException($"SaveImg: expected 1, 3 or 4 channels (axis {layout.ChannelAxis(3)} of a {layout.Name} image); found {channels}.", nameof(image));
        // The writer takes interleaved pixels: a channels-first image is moved channels-last before it is converted.
        var values = image.Data.AsSpan(0, image.Size);
        if (layout.ChannelsFirst)
        {
            var interleaved = new float[image.Size];
            layout.CopyToLast(values, interleaved, channels);
            values = interleaved;
        }
        var pixels = Bytes(values, scale, width, channels);
        var components = (ColorComponents)channels;
        if (format == "jpeg" && channels == 4)
        {
            // Keras converts RGBA to RGB for JPEG (with a warning): the alpha channel is dropped.
            Console.Error.WriteLine($"Nabla: SaveImg '{path}': JPEG has no alpha channel; the image is saved as RGB.");
            pixels = pixels.Where((_, i) => i % 4 != 3).ToArray();
            components = ColorComponents.RedGreenBlue;
        }
        AtomicFile.Write(path, stream =>
        {
            var writer = new ImageWriter();
            switch (format)
            {
                case "png": writer.WritePng(pixels, width, height, components, stream); break;
                case "jpeg": writer.WriteJpg(pixels, width, height, components, stream, JpegQuality); break;
                default: writer.WriteBmp(pixels, width, height, components, stream); break;
            }
        });
    }

    /// <summary>array_to_img: with <paramref name="scale"/> the values are shifted to start at 0 and stretched to end at
    /// 255 (a constant image stays at 0); then each is cut to its integer part, as NumPy's astype("uint8") does. Without
    /// scaling, values must already lie in 0..255: NumPy would wrap the others round silently. A value refused is named
    /// by row, column and channel, which mean the same in either layout.</summary>
    private static byte[] Bytes(ReadOnlySpan<float> values, bool scale, int width, int channels)
    {
        float min = 0, stretch = 1;
        if (scale)
        {
            min = System.Numerics.Tensors.TensorPrimitives.Min(values);
            float range = System.Numerics.Tensors.TensorPrimitives.Max(values) - min;
            stretch = range != 0 ? 255f / range : 0;
        }
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = scale ? (values[i] - min) * stretch : values[i];
            if (!(v >= 0 && v < 256))
            {
                string at = $"row {i / channels / width}, column {i / channels % width}, channel {i % channels}";
                throw new ArgumentException(scale
                    ? $"SaveImg: the image holds a non-finite value ({values[i]}) at {at}."
                    : $"SaveImg: with scale false, values must lie in 0..255; found {values[i]} at {at} (pass scale true to stretch them).", "image");
            }
            bytes[i] = (byte)v;
        }
        return bytes;
    }
}
