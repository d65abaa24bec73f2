using StbImageWriteSharp;

namespace Nabla.Tests.TestSupport;

/// <summary>Image files the image-reading tests write (StbImageWriteSharp; Nabla itself only reads images).</summary>
internal static class TestImages
{
    /// <summary>Writes <paramref name="pixels"/> (rows of <paramref name="width"/> pixels, channels interleaved) as a PNG
    /// file, creating its folder; returns the path.</summary>
    public static string WritePng(string path, byte[] pixels, int width, int height, ColorComponents components = ColorComponents.RedGreenBlue)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        new ImageWriter().WritePng(pixels, width, height, components, stream);
        return path;
    }

    /// <summary>Two class folders under <paramref name="folder"/>, "bright" (levels 150..249) and "dark" (0..99), each of
    /// <paramref name="perClass"/> noisy colour images of <paramref name="size"/> x <paramref name="size"/>: a task any
    /// small CNN learns.</summary>
    public static void WriteBrightAndDark(string folder, int perClass, int size, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < perClass; i++)
            foreach (var (name, low) in new[] { ("bright", 150), ("dark", 0) })
            {
                var pixels = new byte[size * size * 3];
                for (int k = 0; k < pixels.Length; k++) pixels[k] = (byte)(low + random.Next(100));
                WritePng(Path.Combine(folder, name, $"{i}.png"), pixels, size, size);
            }
    }
}
