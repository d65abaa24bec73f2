using System.Diagnostics;
using System.IO.Compression;
using Nabla.Data;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Serialization.Safetensors;

namespace Nabla.Tests.Reliability;

/// <summary>Every reader and builder checks its budget before it allocates.</summary>
public class BudgetTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("nabla-budget-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void AModelJsonAskingForAMillionUnitsIsRefusedFastWithItsSize()
    {
        string json = """{"class_name":"Sequential","config":{"name":"s","layers":[{"class_name":"Dense","config":{"name":"d","units":1000000,"batch_input_shape":[null,784]}}]}}""";
        Assert.True(json.Length < 240);
        var clock = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.ThrowsAny<ArgumentException>(() => KerasModelJson.FromJson(json, "model.json"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"refusal took {clock.Elapsed}");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("784,000,000 parameters", e.Message);
        Assert.Contains("2.92 GiB", e.Message);
        Assert.Contains("WeightBudget.MaxBytes", e.Message);
    }

    [Fact]
    public void RaisingTheBudgetAllowsTheModel()
    {
        // 300 × 1,000 weights + 1,000 biases = 301,000 parameters, 1.15 MiB.
        Layer[] Layers() => [new Dense(1000, inputShape: [300])];
        using (WeightBudget.Allow(1 << 20))
        {
            var e = Assert.Throws<ArgumentException>(() => new Sequential(Layers()));
            Assert.Contains("300,000 parameters (1.14 MiB)", e.Message);
        }
        using (WeightBudget.Allow(2 << 20))
            Assert.Equal(301_000, new Sequential(Layers()).CountParams());
    }

    [Fact]
    public void ShapeProductsAreCheckedAndTensorsPast2To31AreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new Tensor(65536, 65536));
        Assert.Contains("4294967296 elements", e.Message);
        var flatten = new Flatten();
        Assert.Throws<ArgumentException>(() => flatten.Build([100000, 100000]));
        Assert.Throws<ArgumentException>(() => new Tensor(int.MaxValue, int.MaxValue, int.MaxValue));
    }

    [Fact]
    public void AGzipIdxDeclaringMoreThanTheBudgetIsRefusedBeforeAllocating()
    {
        // 2 MiB of incompressible bytes behind a header declaring 2.1 billion ubyte elements: the deflate ratio
        // allows it, the decoded float32 tensor (8.4 GB) does not fit DataReadOptions.MaxBytes.
        string path = WriteGzipIdx("bomb.idx.gz", 2_100_000_000, 2 << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => Idx.Load(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("float32", e.Message);
        Assert.Contains("bomb.idx.gz", e.Message);
    }

    [Fact]
    public void AGzipIdxThatLiesAboutItsLengthCostsOnlyTheDataBehindIt()
    {
        // Within the budget (900M floats = 3.6 GB) but the stream ends after 2 MiB.
        string path = WriteGzipIdx("short.idx.gz", 900_000_000, 2 << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => Idx.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 << 20, $"allocated {allocated >> 20} MB");
        Assert.Contains("end of data", e.Message);
    }

    private string WriteGzipIdx(string name, int declared, int dataBytes)
    {
        string path = Path.Combine(dir, name);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.NoCompression);
        gzip.Write([0, 0, 0x08, 1]); // ubyte, one dimension
        gzip.Write([(byte)(declared >> 24), (byte)(declared >> 16), (byte)(declared >> 8), (byte)declared]);
        var data = new byte[dataBytes];
        new Random(1).NextBytes(data);
        gzip.Write(data);
        return path;
    }

    [Fact]
    public void ALongCsvLineIsRefusedWhileReading()
    {
        string path = Path.Combine(dir, "wide.csv");
        File.WriteAllText(path, "a,b\n" + string.Concat(Enumerable.Repeat("1,", 600_000)) + "1\n");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => Csv.Read(path, options: new CsvOptions { MaxLineChars = 1 << 20 }));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("line 2", e.Message);
        Assert.Contains("MaxLineChars", e.Message);
    }

    [Fact]
    public void SafetensorsOverTheBudgetAreRefusedBeforeAllocatingWithTheFileNamed()
    {
        string path = Path.Combine(dir, "w.safetensors");
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["w"] = new Tensor(1000, 100) });
        var e = Assert.Throws<DataFormatException>(() => SafetensorsFile.Read(path, new DataReadOptions { MaxBytes = 100_000 }));
        Assert.Contains("w.safetensors", e.Message);
        Assert.Contains("400000 bytes", e.Message);
        Assert.Equal(100_000, SafetensorsFile.Read(path, new DataReadOptions { MaxBytes = 400_000 }).Tensors["w"].Size);
    }
}
