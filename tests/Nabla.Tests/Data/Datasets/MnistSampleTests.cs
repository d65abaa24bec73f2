using System.IO.Compression;
using System.Security.Cryptography;
using Nabla.Datasets;

namespace Nabla.Tests.Datasets;

public class MnistSampleTests
{
    private static string RepoFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine([dir.FullName, .. parts]);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{Path.Combine(parts)} not found above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void SampleHasTheDocumentedShapesRawPixelsAndAllTenDigits()
    {
        var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadSample();
        Assert.Equal(new[] { 8000, 28, 28 }, xTrain.Shape);
        Assert.Equal(new[] { 8000 }, yTrain.Shape);
        Assert.Equal(new[] { 2000, 28, 28 }, xTest.Shape);
        Assert.Equal(new[] { 2000 }, yTest.Shape);

        // Raw 0..255 integers, not normalized: the seed's un-normalized example depends on it.
        Assert.Equal(255f, xTrain.Data.Max());
        Assert.Equal(0f, xTrain.Data.Min());
        Assert.All(xTest.Data, v => Assert.Equal(MathF.Round(v), v));

        foreach (var labels in new[] { yTrain, yTest })
        {
            var counts = labels.Data.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(Enumerable.Range(0, 10).Select(d => (float)d), counts.Keys.Order());
            // Shuffled before the split: every digit is in both parts at roughly its 10% share.
            Assert.All(counts.Values, c => Assert.InRange(c, labels.Size / 20, labels.Size / 5));
        }
    }

    [Fact]
    public void SampleIsDeterministic()
    {
        var ((a, ya), _) = Mnist.LoadSample();
        var ((b, yb), _) = Mnist.LoadSample();
        Assert.Equal(a.Data, b.Data);
        Assert.Equal(ya.Data, yb.Data);
    }

    [Fact]
    public void EmbeddedBytesAreTheShippedFilesWhoseChecksumsTheReadmeStates()
    {
        string readme = File.ReadAllText(RepoFile("data", "mnist-sample", "README.md"));
        foreach (string name in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
        {
            byte[] shipped = File.ReadAllBytes(RepoFile("data", "mnist-sample", name));
            Assert.Equal(shipped, MnistSample.ReadResource(name));
            Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(shipped)), readme);
        }
    }

    [Fact]
    public void SampleMatchesAnIndependentDecodingOfTheShippedTestFiles()
    {
        static byte[] Gunzip(string path)
        {
            using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        byte[] images = Gunzip(RepoFile("data", "mnist-sample", "t10k-images-idx3-ubyte.gz"));
        byte[] labels = Gunzip(RepoFile("data", "mnist-sample", "t10k-labels-idx1-ubyte.gz"));
        var (_, (xTest, yTest)) = Mnist.LoadSample();
        Assert.Equal(images.Skip(16).Select(b => (float)b), xTest.Data);
        Assert.Equal(labels.Skip(8).Select(b => (float)b), yTest.Data);
    }
}
