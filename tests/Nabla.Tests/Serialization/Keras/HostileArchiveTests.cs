using System.IO.Compression;
using Nabla.Data;
using Nabla.Layers;
using Nabla.Tests.Data;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>Damaged or malicious .keras archives and HDF5 files are refused with a <see cref="DataFormatException"/>
/// naming the file and the entry or object, before anything larger than the model can need is read.</summary>
public class HostileArchiveTests
{
    private static Sequential Small() => new(new Dense(3, "relu", inputShape: [4]), new Dense(2));

    private static Dictionary<string, byte[]> Entries(string kerasPath)
    {
        using var zip = ZipFile.OpenRead(kerasPath);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        });
    }

    private static string Rezip(TempFolder folder, IEnumerable<(string Name, byte[] Bytes)> entries)
    {
        string path = folder.File($"hostile-{Guid.NewGuid():N}.keras");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            stream.Write(bytes);
        }
        return path;
    }

    private static (TempFolder Folder, Dictionary<string, byte[]> Entries) Saved()
    {
        var folder = new TempFolder();
        string path = folder.File("good.keras");
        Small().Save(path);
        return (folder, Entries(path));
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("/etc/evil")]
    [InlineData("a/../../evil")]
    [InlineData("C:/evil")]
    [InlineData("dir\\evil")]
    public void Entry_names_that_leave_the_archive_are_refused(string name)
    {
        var (folder, entries) = Saved();
        using (folder)
        {
            string path = Rezip(folder, entries.Select(e => (e.Key, e.Value)).Append((name, new byte[] { 1 })));
            var e = Assert.Throws<DataFormatException>(() => Model.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains($"entry '{name}'", e.Message);
            Assert.Contains("unsafe name", e.Message);
        }
    }

    [Fact]
    public void Duplicate_entry_names_are_refused()
    {
        var (folder, entries) = Saved();
        using (folder)
        {
            string path = Rezip(folder, entries.Select(e => (e.Key, e.Value)).Append(("config.json", entries["config.json"])));
            var e = Assert.Throws<DataFormatException>(() => Model.Load(path));
            Assert.Contains("entry 'config.json'", e.Message);
            Assert.Contains("duplicate", e.Message);
        }
    }

    [Fact]
    public void An_entry_whose_bytes_do_not_match_its_crc_is_refused()
    {
        var (folder, entries) = Saved();
        using (folder)
        {
            string path = Rezip(folder, entries.Select(e => (e.Key, e.Value)));
            // Entries are stored uncompressed: flip one byte inside the weights' data, leaving the declared CRC.
            byte[] file = File.ReadAllBytes(path);
            byte[] weights = entries["model.weights.h5"];
            int at = file.AsSpan().IndexOf(weights.AsSpan(0, 64)) + weights.Length - 8;
            file[at] ^= 0x5A;
            File.WriteAllBytes(path, file);
            var e = Assert.Throws<DataFormatException>(() => Model.Load(path));
            Assert.Contains("entry 'model.weights.h5'", e.Message);
            Assert.Contains("CRC-32", e.Message);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(100)]
    [InlineData(400)]
    public void A_truncated_or_garbled_weights_file_names_the_entry_never_an_index_error(int keep)
    {
        var (folder, entries) = Saved();
        using (folder)
        {
            byte[] weights = entries["model.weights.h5"];
            byte[] damaged = [.. weights.AsSpan(0, Math.Min(keep, weights.Length)), .. Enumerable.Repeat((byte)0xFF, 64)];
            string path = Rezip(folder, entries.Where(e => e.Key != "model.weights.h5").Select(e => (e.Key, e.Value))
                .Append(("model.weights.h5", damaged)));
            var e = Assert.Throws<DataFormatException>(() => Model.Load(path));
            Assert.Contains("model.weights.h5", e.Message);
        }
    }

    [Fact]
    public void A_dataset_larger_than_its_weight_is_refused_from_its_declared_shape()
    {
        using var folder = new TempFolder();
        var big = new Sequential(new Dense(3000, "relu", inputShape: [4]), new Dense(2));
        string bigPath = folder.File("big.weights.h5");
        big.SaveWeights(bigPath);
        var e = Assert.Throws<DataFormatException>(() => Small().LoadWeights(bigPath));
        Assert.Contains("'layers/dense/vars/0'", e.Message);
        Assert.Contains("expected [4, 3], found [4, 3000]", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_hdf5_names_the_file()
    {
        using var folder = new TempFolder();
        string path = folder.WriteText("w.weights.h5", "not an HDF5 file at all");
        var e = Assert.Throws<DataFormatException>(() => Small().LoadWeights(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("HDF5", e.Message);
    }

    [Fact]
    public void A_tfjs_shard_path_outside_the_model_folder_is_refused()
    {
        using var folder = new TempFolder();
        string path = folder.File("tfjs/model.json");
        Small().Save(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("group1-shard1of1.bin", "../secret.bin"));
        var e = Assert.Throws<DataFormatException>(() => Model.Load(path));
        Assert.Contains("'../secret.bin'", e.Message);
    }
}
