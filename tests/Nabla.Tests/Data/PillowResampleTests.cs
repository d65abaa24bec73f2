using StbImageWriteSharp;
using Nabla.Data;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Data;

/// <summary>
/// <see cref="Images.LoadImg"/>'s resize against Pillow's own <c>Image.resize</c> (Keras's load_img calls it with the
/// interpolation's filter, and with <c>box=</c> the central window under keep_aspect_ratio): every filter, on grey,
/// RGB and RGBA images, down by non-integer factors, up, with one axis unchanged, and with a box. The expected bytes
/// (<see cref="Cases"/> and <see cref="LargeCases"/>, in PillowResampleTests.Cases.cs) came from Pillow 9.4.0, Debian 12's python3-pil, printed by
/// PillowReference.py beside this file; nothing here needs Python or Pillow.
/// </summary>
public partial class PillowResampleTests
{
    /// <summary>PillowReference.py's images: level i (flat index, channels last) is the top byte of
    /// (i + seed)·2654435761 mod 2^32; "rgba"'s alpha is then 255 in every fourth column and 0 in every third row of
    /// the others.</summary>
    private static (byte[] Pixels, int Width, int Height, ColorComponents Components, string ColorMode) Image(string name)
    {
        var (width, height, channels, seed, components, colorMode) = name switch
        {
            "rgb" => (13, 9, 3, 1, ColorComponents.RedGreenBlue, "rgb"),
            "grey" => (7, 11, 1, 2, ColorComponents.Grey, "grayscale"),
            "rgba" => (10, 8, 4, 3, ColorComponents.RedGreenBlueAlpha, "rgba"),
            "large" => (64, 48, 3, 4, ColorComponents.RedGreenBlue, "rgb"),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var pixels = new byte[width * height * channels];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(unchecked((uint)(i + seed) * 2654435761u) >> 24);
        if (channels == 4)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int alpha = (y * width + x) * 4 + 3;
                    if (x % 4 == 0) pixels[alpha] = 255;
                    else if (y % 3 == 0) pixels[alpha] = 0;
                }
        return (pixels, width, height, components, colorMode);
    }

    private static string Hex(Tensor t) => Convert.ToHexString(t.Data.AsSpan(0, t.Size).ToArray().Select(v => (byte)v).ToArray()).ToLowerInvariant();

    [Theory, MemberData(nameof(Cases))]
    public void Load_img_resizes_as_pillow_does_bit_for_bit(string name, int height, int width, bool keepAspectRatio,
        string interpolation, string expected)
    {
        using var folder = new TempFolder();
        var image = Image(name);
        string path = TestImages.WritePng(folder.File(name + ".png"), image.Pixels, image.Width, image.Height, image.Components);
        var resized = Images.LoadImg(path, image.ColorMode, (height, width), interpolation, keepAspectRatio);
        Assert.Equal([height, width, image.Pixels.Length / (image.Width * image.Height)], resized.Shape);
        Assert.Equal(expected, Hex(resized));
    }

    [Theory, MemberData(nameof(LargeCases))]
    public void Load_img_resizes_a_larger_image_as_pillow_does_bit_for_bit(string name, int height, int width,
        bool keepAspectRatio, string interpolation, string expectedSha256)
    {
        // Tens of thousands of sums: enough to meet the few that land within a rounding unit of a level, where only
        // Pillow's exact rounding (of negative weights, of its float window constants) gives Pillow's byte.
        using var folder = new TempFolder();
        var image = Image(name);
        string path = TestImages.WritePng(folder.File(name + ".png"), image.Pixels, image.Width, image.Height, image.Components);
        var resized = Images.LoadImg(path, image.ColorMode, (height, width), interpolation, keepAspectRatio);
        Assert.Equal([height, width, 3], resized.Shape);
        var bytes = Convert.FromHexString(Hex(resized));
        Assert.Equal(expectedSha256, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant());
    }

    [Fact]
    public void The_images_are_the_scripts()
    {
        // The first bytes PillowReference.py's image() gives, so a wrong image fails here rather than as a resize.
        Assert.Equal("9e3cda7817b553f1", Convert.ToHexString(Image("rgb").Pixels, 0, 8).ToLowerInvariant());
        Assert.Equal("3cda7817b553f18f", Convert.ToHexString(Image("grey").Pixels, 0, 8).ToLowerInvariant());
        Assert.Equal("da7817ff53f18f00", Convert.ToHexString(Image("rgba").Pixels, 0, 8).ToLowerInvariant());
        Assert.Equal("7817b553f18f2ecc", Convert.ToHexString(Image("large").Pixels, 0, 8).ToLowerInvariant());
    }

    [Fact]
    public void Rgba_resizes_premultiplied_by_alpha_except_with_nearest()
    {
        using var folder = new TempFolder();
        // A transparent red pixel beside an opaque blue one, halved across. Premultiplied, red is (0, 0, 0, 0), so the
        // mean is (0, 0, 127.5, 127.5), rounded to (0, 0, 128, 128), and un-premultiplied (255·128/128) is pure blue
        // at half alpha: Pillow 9.4.0 gives 0000ff80 for bilinear and box. Unpremultiplied, red would bleed in (128, 0, 128).
        string path = TestImages.WritePng(folder.File("two.png"), [255, 0, 0, 0, 0, 0, 255, 255], width: 2, height: 1,
            ColorComponents.RedGreenBlueAlpha);
        foreach (var interpolation in new[] { "bilinear", "box" })
            Assert.Equal("0000ff80", Hex(Images.LoadImg(path, "rgba", (1, 1), interpolation)));
        // Nearest picks a pixel untouched: column floor(0 + 2·0.5) = 1.
        Assert.Equal("0000ffff", Hex(Images.LoadImg(path, "rgba", (1, 1), "nearest")));
    }

    [Fact]
    public void Hammings_window_uses_pillows_float_constants()
    {
        // PillowReference.py's HAMMING_ROW, searched for once so that the middle output's sum lands within a rounding
        // unit of a level: Pillow 9.4.0 gives 2a a3 a0; with the window's 0.54f and 0.46f written as the doubles 0.54
        // and 0.46 the middle byte would be a4.
        using var folder = new TempFolder();
        string path = TestImages.WritePng(folder.File("row.png"), [0, 0, 138, 109, 226, 112, 228, 225, 0], width: 9, height: 1,
            ColorComponents.Grey);
        Assert.Equal("2aa3a0", Hex(Images.LoadImg(path, "grayscale", (1, 3), "hamming")));
    }

    [Fact]
    public void Interpolation_takes_kerass_six_names_and_refuses_others_listing_them()
    {
        using var folder = new TempFolder();
        var image = Image("rgb");
        string path = TestImages.WritePng(folder.File("rgb.png"), image.Pixels, image.Width, image.Height, image.Components);
        foreach (var name in new[] { "nearest", "bilinear", "bicubic", "hamming", "box", "lanczos" })
            Assert.Equal([4, 5, 3], Images.LoadImg(path, targetSize: (4, 5), interpolation: name).Shape);
        var e = Assert.Throws<ArgumentException>(() => Images.LoadImg(path, targetSize: (4, 5), interpolation: "area"));
        Assert.Equal("interpolation", e.ParamName);
        Assert.Contains("'area'", e.Message);
        Assert.Contains("nearest, bilinear, bicubic, hamming, box, lanczos", e.Message);
        // Checked even when no resize is needed, so a typo does not wait for an image of another size.
        Assert.Throws<ArgumentException>(() => Images.LoadImg(path, interpolation: "Bilinear"));
    }
}
