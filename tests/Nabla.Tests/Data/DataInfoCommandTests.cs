using Nabla.Tests.TestSupport;
using Nabla.Data;

namespace Nabla.Tests.Data;

/// <summary>`nabla data info` run through the CLI's own command catalog and parser.</summary>
public class DataInfoCommandTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();


    private void WritePng(string relative, int width, int height, int channels, byte level) =>
        TestImages.WritePng(Path.Combine(folder.Path, relative), Enumerable.Repeat(level, width * height * channels).ToArray(), width, height,
            (StbImageWriteSharp.ColorComponents)channels);

    [Fact]
    public void AnImageFolderListsItsClassesSizesAndTheFilesThatWouldStopTraining()
    {
        for (int i = 0; i < 6; i++) WritePng($"cats/{i}.png", 8, 6, 3, 200);
        WritePng("dogs/0.png", 4, 4, 1, 50);
        WritePng("dogs/1.png", 8, 6, 3, 90);
        File.WriteAllText(Path.Combine(folder.Path, "dogs", "broken.jpg"), "not a jpeg");

        var (exit, output, error) = CliRun.Run("data", "info", folder.Path);
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("Images:   9 files (.jpg 1, .png 8) in 2 classes", output);
        Assert.Contains("    0  cats       6  (66.7 %)", output);
        Assert.Contains("    1  dogs       3  (33.3 %)", output);
        Assert.Contains("Sizes:    2 distinct (height x width); most common 6 x 8 (7 files); smallest 4 x 4, largest 6 x 8", output);
        Assert.Contains("Channels: grey 1, colour 7", output);
        Assert.Contains("Unreadable: 1", output);
        Assert.Contains("broken.jpg: whole file: expected a BMP, GIF, JPEG or PNG image", output);
        Assert.Contains("1 of 9 files cannot be decoded", output);
        Assert.Contains("Aspect ratios differ", output);
        Assert.Contains("Grey and colour images are mixed", output);
        Assert.DoesNotContain("imbalanced", output); // 6 against 3 is under the 3:1 flag

        var summary = ImageFolderSummary.Compute(folder.Path);
        Assert.Equal([("cats", 6), ("dogs", 3)], summary.Classes);
    }

    [Fact]
    public void RawPixelsAreFlaggedAsNotNormalized()
    {
        var ((x, _), _) = Nabla.Datasets.Mnist.LoadSample();
        string path = folder.File("mnist.npy");
        Npy.Save(path, Tensor.FromArray(x.Data.AsSpan(0, 100 * 784).ToArray(), 100, 28, 28));

        var (exit, output, error) = CliRun.Run("data", "info", path);
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("Format:   npy, dtype float32", output);
        Assert.Contains("Shape:    [100, 28, 28] (100 samples x 784 features)", output);
        Assert.Contains("min 0, max 255", output);
        Assert.Contains("inputs not normalized", output);
        Assert.Contains("constant feature", output); // MNIST's corners are always 0
    }

    [Fact]
    public void NormalizedDataHasNoFlags()
    {
        string path = folder.WriteText("ok.csv", "a,b\n-0.5,0.5\n0.5,-0.5\n0,0.25\n");
        var (exit, output, _) = CliRun.Run("data", "info", path);
        Assert.Equal(0, exit);
        Assert.Contains("Format:   csv", output);
        Assert.Contains("[3, 2] (3 samples x 2 features)", output);
        Assert.Contains("Flags:    none", output);
    }

    [Fact]
    public void CountsNaNAndFlagsConstantColumnsAndScaleSpread()
    {
        // Feature 0 varies by ~0.8, feature 1 by ~80 (spread 100), feature 2 is constant, one NaN.
        string path = folder.WriteText("mixed.csv", "0.1,10,3\n0.9,90,3\nNaN,50,3\n0.5,50,3\n");
        var (exit, output, _) = CliRun.Run("data", "info", path);
        Assert.Equal(0, exit);
        Assert.Contains("NaN: 1, Inf: 0, constant features: 1", output);
        Assert.Contains("1 NaN and 0 infinite values", output);
        Assert.Contains("features on different scales", output);
        Assert.Contains("constant feature(s) carry no information (e.g. index 2)", output);
    }

    [Fact]
    public void ReportsMissingValuesAndTextColumnsInsteadOfRefusingTheFile()
    {
        var (exit, output, error) = CliRun.Run("data", "info", Nabla.Tests.TestSupport.RepositoryPaths.FuelCsv());
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains("Format:   csv, 96 rows x 8 columns (7 numeric, 1 text)", output);
        Assert.Contains("  Horsepower    number, 3 missing", output);
        Assert.Contains("  Origin        text, 3 categories: Europe, Japan, USA", output);
        Assert.Contains("Shape:    [96, 7] (96 samples x 7 features) in the numeric columns", output);
        Assert.Contains("3 missing value(s) in 'Horsepower' (3): drop the rows (Table.DropMissing)", output);
        Assert.Contains("1 text column(s) ('Origin'): one-hot encode (Table.OneHot)", output);
    }

    [Fact]
    public void IdxReportsItsDtype()
    {
        string path = folder.Write("labels.idx", IdxFixtures.UByte([0, 1, 2, 3], 4));
        var (exit, output, _) = CliRun.Run("data", "info", path);
        Assert.Equal(0, exit);
        Assert.Contains("Format:   idx, dtype uint8", output);
        Assert.Contains("Shape:    [4] (4 samples x 1 features)", output);
    }

    [Theory]
    [InlineData("bad.csv", "1,2\n3\n", "line 2: expected 2 fields")]
    [InlineData("bad.npy", "\u0093NUMPY garbage", "bad.npy")]
    [InlineData("bad.bin", "hello", "expected a .npy file")]
    public void BadInputExitsWithCode2AndOneLineOnStderr(string name, string content, string expected)
    {
        string path = folder.WriteText(name, content);
        var (exit, output, error) = CliRun.Run("data", "info", path);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("nabla data info: ", error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("   at ", error); // no stack trace
    }

    [Fact]
    public void MissingFileExitsWithCode2()
    {
        var (exit, _, error) = CliRun.Run("data", "info", folder.File("nope.npy"));
        Assert.Equal(2, exit);
        Assert.Contains("nope.npy", error);
    }
}
