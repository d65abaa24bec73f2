using Nabla.Configuration;
using Nabla.Data;
using Nabla.Doctor;

namespace Nabla.Tests.Data;

/// <summary>Image data for convolutional experiments: <see cref="Synthetic.Images"/> and the experiment file's "image_shape".</summary>
public class SyntheticImageTests
{
    [Fact]
    public void Synthetic_images_are_seeded_channels_last_pixels_with_balanced_labels()
    {
        var (x, y) = Synthetic.Images(90, 6, 5, 2, classes: 3, seed: 4);
        Assert.Equal([90, 6, 5, 2], x.Shape);
        Assert.All(x.Data, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal([30, 30, 30], y.Data.GroupBy(v => v).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.Equal(x.Data, Synthetic.Images(90, 6, 5, 2, classes: 3, seed: 4).x.Data);
        Assert.NotEqual(x.Data, Synthetic.Images(90, 6, 5, 2, classes: 3, seed: 5).x.Data);
        var (raw, _) = Synthetic.Images(90, 6, 5, 2, classes: 3, seed: 4, scale: 255);
        Assert.Equal(x.Data.Max() * 255, raw.Data.Max(), 1e-3);
    }

    [Fact]
    public void Synthetic_images_refuse_empty_sizes()
    {
        Assert.Throws<ArgumentException>(() => Synthetic.Images(10, 0, 5, 1, classes: 3, seed: 1));
        Assert.Throws<ArgumentException>(() => Synthetic.Images(10, 5, 5, 1, classes: 1, seed: 1));
    }

    private static Tensor Read(string data)
    {
        string json = $$$"""{"model": {"class_name": "Sequential", "config": {"layers": [{"class_name": "Flatten", "config": {}}, {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}]}}, "compile": {"loss": "categorical_crossentropy"}, "data": {{{data}}}}""";
        return ExperimentFile.Parse(Config.Parse(json), Directory.GetCurrentDirectory(), "images", "images.json").X;
    }

    [Fact]
    public void Image_shape_shrinks_mnist_digits_by_block_means()
    {
        var full = Read("""{"x": "mnist-sample", "samples": 3, "image_shape": [28, 28, 1], "one_hot": true, "num_classes": 10}""");
        var small = Read("""{"x": "mnist-sample", "samples": 3, "image_shape": [14, 14, 1], "one_hot": true, "num_classes": 10}""");
        Assert.Equal([3, 28, 28, 1], full.Shape);
        Assert.Equal([3, 14, 14, 1], small.Shape);
        // Pixel (row 5, column 7) of the second digit is the mean of the 2×2 block at rows 10-11, columns 14-15.
        float Pixel(int n, int r, int c) => full.Data[(n * 28 + r) * 28 + c];
        float expected = (Pixel(1, 10, 14) + Pixel(1, 10, 15) + Pixel(1, 11, 14) + Pixel(1, 11, 15)) / 4;
        Assert.Equal(expected, small.Data[(1 * 14 + 5) * 14 + 7], 1e-4);
        Assert.Equal([3, 28, 28], Read("""{"x": "mnist-sample", "samples": 3, "image_shape": [28, 28], "one_hot": true, "num_classes": 10}""").Shape);
    }

    [Theory]
    [InlineData("[10, 10, 1]")]
    [InlineData("\"14x14\"")]
    public void Image_shape_that_does_not_fit_names_the_field(string shape)
    {
        var e = Assert.Throws<DataFormatException>(() =>
            Read($$"""{"x": "mnist-sample", "samples": 3, "image_shape": {{shape}}, "one_hot": true, "num_classes": 10}"""));
        Assert.Contains("'data.image_shape'", e.Message);
    }
}
