using StbImageSharp;

namespace Nabla.Data;

/// <summary>
/// Decodes one BMP, GIF (first frame), JPEG or PNG file to 8-bit pixels [height, width, channels] with StbImageSharp,
/// a managed port of stb_image. The header's size is checked before any pixel is decoded; a file that is not an image,
/// or a damaged one, is a <see cref="DataFormatException"/> naming it.
/// </summary>
internal static class ImageFile
{
    /// <summary>Pillow's decompression-bomb limit (<c>Image.MAX_IMAGE_PIXELS</c> = 89,478,485, an error beyond twice
    /// that), which Keras's load_img runs under: a larger header is refused before it is decoded.</summary>
    public const long MaxPixels = 2L * 89_478_485;

    /// <summary>More pixels per byte of file than any of these formats can hold (PNG's best case, a 1-bit image
    /// DEFLATE shrinks 1032 times, is about 8,300; LZW and JPEG hold far fewer): a header that claims more is damaged,
    /// and is refused before the decoder spends seconds and gigabytes on it.</summary>
    public const long MaxPixelsPerByte = 16_384;

    /// <summary>The largest image file read: far above any photograph, and it is read whole before decoding.</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>The pixels with <paramref name="channels"/> channels, the size, and how many channels the file itself
    /// holds (1 grey, 2 grey and alpha, 3 colour, 4 colour and alpha).</summary>
    public static (byte[] Pixels, int Height, int Width, int FileChannels) Decode(string path, int channels)
    {
        if (channels is not (1 or 3 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "1, 3 or 4 channels.");
        DataFile.RequireExists(path);
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
            throw DataFormatException.InFile(path, $"an image file of at most {MaxFileBytes:N0} bytes", $"{length:N0} bytes");
        byte[] bytes = File.ReadAllBytes(path);
        var info = Read(path, () => ImageInfo.FromStream(new BoundedStream(bytes)), "image header", "a readable header") ??
            throw DataFormatException.InFile(path, "a BMP, GIF, JPEG or PNG image",
                "none the decoder can read: another format, a damaged header, or over 2^30 bytes of pixels");
        long pixels = (long)info.Width * info.Height;
        if (info.Width < 1 || info.Height < 1 || pixels > MaxPixels)
            throw DataFormatException.AtField(path, "image header", $"an image of 1 to {MaxPixels:N0} pixels", $"{info.Width} x {info.Height}");
        long packed = Math.Max(1L << 20, bytes.Length * MaxPixelsPerByte);
        if (pixels > packed)
            throw DataFormatException.AtField(path, "image header",
                $"at most {packed:N0} pixels in a file of {bytes.Length:N0} bytes (no image format packs more than {MaxPixelsPerByte:N0} in a byte)",
                $"{info.Width} x {info.Height}, a damaged header");
        bool grey = info.ColorComponents is ColorComponents.Grey or ColorComponents.GreyAlpha;
        // Grey images decode as they are; a colour one becomes grey by Pillow's convert("L") below, not stb's weights.
        var wanted = channels switch
        {
            1 => grey ? ColorComponents.Grey : ColorComponents.RedGreenBlue,
            3 => ColorComponents.RedGreenBlue,
            _ => ColorComponents.RedGreenBlueAlpha,
        };
        var image = Read(path, () => ImageResult.FromStream(new BoundedStream(bytes), wanted), "image data", $"a complete {info.Width} x {info.Height} image");
        if (image.Width != info.Width || image.Height != info.Height)
            throw DataFormatException.AtField(path, "image data", $"{info.Width} x {info.Height} pixels, as the header says", $"{image.Width} x {image.Height}");
        return (channels == 1 && !grey ? Luma(image.Data) : image.Data, image.Height, image.Width, (int)info.ColorComponents);
    }

    /// <summary>How many files <see cref="ForEach"/> decodes at once (all cores by default; 1 decodes in order).</summary>
    internal static int DecodeThreads { get; set; } = Environment.ProcessorCount;

    /// <summary>Runs <paramref name="decode"/> for files 0..count-1 on <see cref="DecodeThreads"/> threads, as tf.data
    /// decodes a dataset's files in parallel; each call writes its own slot. When files fail, the first failing one
    /// in file order is rethrown as it was thrown, so the error does not depend on the threads' timing.</summary>
    internal static void ForEach(int count, Action<int> decode)
    {
        var failures = new Exception?[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, DecodeThreads) }, i =>
        {
            try
            {
                decode(i);
            }
            catch (Exception e)
            {
                failures[i] = e;
            }
        });
        if (failures.FirstOrDefault(e => e is not null) is { } first) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
    }

    /// <summary>Runs the decoder: whatever it throws on a damaged file (its own errors, an index or a seek out of
    /// range) means the file cannot be read, and is reported as that.</summary>
    private static T Read<T>(string path, Func<T> decode, string field, string expected)
    {
        try
        {
            return decode();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw DataFormatException.AtField(path, field, expected, $"{e.GetType().Name}: {e.Message}", e);
        }
    }

    /// <summary>The file's bytes as the decoder's stream. A seek past the end stops at the end, so that a length read
    /// from a damaged segment ends the decoder's scan there (stb_image's end-of-file test looks for the exact end; past
    /// it, its marker scan never stops), and a seek before the start is refused.</summary>
    private sealed class BoundedStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override long Position
        {
            get => base.Position;
            set => Seek(value, SeekOrigin.Begin);
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            long target = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => Position + offset,
                _ => Length + offset,
            };
            if (target < 0) throw new InvalidDataException($"a seek to byte {target}, before the start of the file");
            return base.Seek(Math.Min(target, Length), SeekOrigin.Begin);
        }
    }

    /// <summary>Pillow's RGB to "L": L = R·299/1000 + G·587/1000 + B·114/1000 (ITU-R 601-2), in its fixed point
    /// (19595, 38470, 7471 over 2^16, rounded).</summary>
    private static byte[] Luma(byte[] rgb)
    {
        var grey = new byte[rgb.Length / 3];
        for (int i = 0; i < grey.Length; i++)
            grey[i] = (byte)((rgb[3 * i] * 19595 + rgb[3 * i + 1] * 38470 + rgb[3 * i + 2] * 7471 + 0x8000) >> 16);
        return grey;
    }
}
