using System.Security.Cryptography;
using Nabla.Data;
using Nabla.Datasets;
using Nabla.Tests.Data;
using static Nabla.Tests.Data.IdxFixtures;

namespace Nabla.Tests.Datasets;

/// <summary>The real download code against a loopback server (127.0.0.1 only) serving fixture files.</summary>
public class DownloadTests : IDisposable
{
    private static readonly string[] Files =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    private readonly TempFolder cache = new();
    private readonly LoopbackHttpServer server = new();
    private readonly StringWriter notices = new();
    private readonly Dictionary<string, byte[]> fixtures = new();

    public DownloadTests()
    {
        // Tiny MNIST-shaped data sets: 3 train and 2 test images with distinct pixel values.
        var random = new RandomGenerator(5);
        byte[] Pixels(int n) => Enumerable.Range(0, n * 784).Select(_ => (byte)random.NextInt(256)).ToArray();
        fixtures[Files[0]] = Gzip(UByte(Pixels(3), 3, 28, 28));
        fixtures[Files[1]] = Gzip(UByte([4, 0, 9], 3));
        fixtures[Files[2]] = Gzip(UByte(Pixels(2), 2, 28, 28));
        fixtures[Files[3]] = Gzip(UByte([1, 7], 2));
    }

    public void Dispose()
    {
        server.Dispose();
        cache.Dispose();
    }

    private DatasetOptions Options(params Uri[] mirrors) => new()
    {
        BaseUrls = mirrors.Length > 0 ? mirrors : [server.BaseUrl],
        CacheDirectory = cache.Path,
        ExpectedMd5 = fixtures.ToDictionary(f => f.Key, f => Convert.ToHexStringLower(MD5.HashData(f.Value))),
        Notices = notices,
        Timeout = TimeSpan.FromSeconds(20),
    };

    private void ServeAll(string except = "", Reply reply = Reply.Ok, byte[]? body = null)
    {
        foreach (var (name, bytes) in fixtures)
            server.Serve(name, name == except ? body ?? bytes : bytes, name == except ? reply : Reply.Ok);
    }

    private string[] CachedFiles(string dataset) =>
        Directory.Exists(Path.Combine(cache.Path, dataset)) ? Directory.GetFiles(Path.Combine(cache.Path, dataset)) : [];

    [Fact]
    public void GoodFilesAreDownloadedVerifiedCachedAndReused()
    {
        ServeAll();
        var ((xTrain, yTrain), (xTest, yTest)) = Mnist.Load(Options());

        Assert.Equal(new[] { 3, 28, 28 }, xTrain.Shape);
        Assert.Equal(new[] { 4f, 0f, 9f }, yTrain.Data);
        Assert.Equal(new[] { 2, 28, 28 }, xTest.Shape);
        Assert.Equal(new[] { 1f, 7f }, yTest.Data);
        Assert.Equal(Idx.Load(cache.Write("check.gz", fixtures[Files[0]])).Data, xTrain.Data);
        Assert.Equal(4, server.RequestCount);
        Assert.Equal(Files.Order(), CachedFiles("mnist").Select(Path.GetFileName).Order());

        Mnist.Load(Options()); // served from the verified cache
        Assert.Equal(4, server.RequestCount);
        Assert.Equal("", notices.ToString());
    }

    [Fact]
    public void FashionMnistUsesItsOwnCacheFolder()
    {
        ServeAll();
        var ((x, _), _) = FashionMnist.Load(Options());
        Assert.Equal(3, x.Shape[0]);
        Assert.Equal(4, CachedFiles("fashion-mnist").Length);
        Assert.Empty(CachedFiles("mnist"));
    }

    [Fact]
    public void CorruptedFileIsDiscardedAndReported()
    {
        var corrupted = (byte[])fixtures[Files[1]].Clone();
        corrupted[^5] ^= 0xFF;
        ServeAll(except: Files[1], body: corrupted);

        var e = Assert.Throws<DatasetDownloadException>(() => Mnist.Load(Options()));
        Assert.False(e.IsOffline);
        Assert.Contains("MD5", e.Message);
        Assert.Contains(Options().ExpectedMd5![Files[1]], e.Message);
        Assert.DoesNotContain(CachedFiles("mnist"), f => f.EndsWith(Files[1]) || f.EndsWith(".partial"));
    }

    [Theory]
    [InlineData(Reply.Truncated)]
    [InlineData(Reply.DropMidway)]
    [InlineData(Reply.NotFound)]
    public void FailedTransferCachesNothingAndDoesNotFallBack(Reply reply)
    {
        ServeAll(except: Files[2], reply: reply);
        var e = Assert.Throws<DatasetDownloadException>(() => Mnist.Load(Options()));
        Assert.False(e.IsOffline);
        Assert.Contains(Files[2], e.Message);
        if (reply == Reply.NotFound) Assert.Contains("404", e.Message);
        else Assert.DoesNotContain("MD5", e.Message); // the broken transfer itself is detected, before any checksum
        Assert.DoesNotContain(CachedFiles("mnist"), f => f.EndsWith(Files[2]) || f.EndsWith(".partial"));
        Assert.Equal("", notices.ToString()); // a bad answer is not "offline": no silent sample
    }

    [Fact]
    public void NextMirrorIsTriedAfterAFailure()
    {
        using var second = new LoopbackHttpServer();
        foreach (var (name, bytes) in fixtures) second.Serve(name, bytes);
        var ((x, _), _) = Mnist.Load(Options(server.BaseUrl, second.BaseUrl)); // the first serves nothing: 404
        Assert.Equal(3, x.Shape[0]);
        Assert.Equal(4, second.RequestCount);
    }

    [Fact]
    public void DamagedCacheIsDetectedAndDownloadedAgain()
    {
        ServeAll();
        Mnist.Load(Options());
        File.WriteAllBytes(Path.Combine(cache.Path, "mnist", Files[3]), [1, 2, 3]);

        var (_, (_, yTest)) = Mnist.Load(Options());
        Assert.Equal(new[] { 1f, 7f }, yTest.Data);
        Assert.Equal(5, server.RequestCount);
        Assert.Contains("downloading again", notices.ToString());
    }

    [Fact]
    public void OfflineMnistFallsBackToTheEmbeddedSampleWithOneNotice()
    {
        var ((xTrain, _), (xTest, _)) = Mnist.Load(Options(LoopbackHttpServer.ClosedPort()));
        Assert.Equal(new[] { 8000, 28, 28 }, xTrain.Shape);
        Assert.Equal(2000, xTest.Shape[0]);
        string[] lines = notices.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("embedded sample", lines[0]);
        Assert.Empty(CachedFiles("mnist"));
    }

    [Fact]
    public void AProxyThatCannotReachTheMirrorCountsAsOfflineAndNamesItsAnswer()
    {
        // A proxy answers 502 (or 504, or 407) where a direct connection would fail: the sample is used, and the
        // one notice says what the proxy answered. A mirror's own errors (404 above) are not "offline".
        ServeAll(except: Files[0], reply: Reply.BadGateway);
        var ((xTrain, _), _) = Mnist.Load(Options());
        Assert.Equal(8000, xTrain.Shape[0]);
        string[] lines = notices.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("502", lines[0]);
        Assert.Contains("embedded sample", lines[0]);
    }

    [Fact]
    public void OfflineWithoutFallbackThrows()
    {
        var e = Assert.Throws<DatasetDownloadException>(() =>
            Mnist.Load(Options(LoopbackHttpServer.ClosedPort()) with { FallbackToSample = false }));
        Assert.True(e.IsOffline);
    }

    [Fact]
    public void OfflineFashionMnistThrowsAClearError()
    {
        var e = Assert.Throws<DatasetDownloadException>(() => FashionMnist.Load(Options(LoopbackHttpServer.ClosedPort())));
        Assert.True(e.IsOffline);
        Assert.Contains("no connection", e.Message);
        Assert.Contains("no offline copy", e.Message);
        Assert.Equal("", notices.ToString());
    }

    [Fact]
    public void CacheFolderComesFromOptionsThenNablaDataThenHome()
    {
        string? saved = Environment.GetEnvironmentVariable("NABLA_DATA");
        try
        {
            Environment.SetEnvironmentVariable("NABLA_DATA", "/tmp/from-env");
            Assert.Equal("/explicit", new DatasetOptions { CacheDirectory = "/explicit" }.ResolveCacheDirectory());
            Assert.Equal("/tmp/from-env", new DatasetOptions().ResolveCacheDirectory());
            Environment.SetEnvironmentVariable("NABLA_DATA", null);
            Assert.Equal(
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nabla", "datasets"),
                new DatasetOptions().ResolveCacheDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable("NABLA_DATA", saved);
        }
    }
}
