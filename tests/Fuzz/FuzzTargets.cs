using System.IO.Compression;
using Nabla.Data;
using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Serialization.Safetensors;

namespace Nabla.Fuzz;

/// <summary>
/// One fuzz target per file reader: the input bytes are handed to the reader as a file, and the reader must
/// either succeed or refuse with one of the library's documented exceptions. Anything else (an
/// IndexOutOfRangeException, an OverflowException, OutOfMemoryException...) escapes and counts as a crash.
/// Shared by the SharpFuzz program (long runs) and the replay tests that run in <c>dotnet test</c>.
/// </summary>
public static class FuzzTargets
{
    /// <summary>A budget small enough that no input makes a run slow: 64 MiB of data, 64 MiB of weights. Declared before
    /// <see cref="All"/>: static fields are initialized in order, and null analysis follows that order.</summary>
    private static readonly DataReadOptions Small = new() { MaxBytes = 64 << 20 };

    /// <summary>The formats, each the name of a corpus folder.</summary>
    public static readonly IReadOnlyDictionary<string, (string Extension, Action<string> Read)> All =
        new Dictionary<string, (string, Action<string>)>
        {
            ["npy"] = (".npy", path => Npy.Load(path, Small)),
            ["idx"] = (".idx", path => Idx.Load(path, Small)),
            ["csv"] = (".csv", path => Csv.Read(path, options: new CsvOptions { MaxBytes = Small.MaxBytes })),
            ["safetensors"] = (".safetensors", path => SafetensorsFile.Read(path, Small)),
            ["keras"] = (".keras", path => Model.Load(path)),
            ["h5"] = (".h5", path => Model.Load(path)),
            ["weights-h5"] = (".weights.h5", path => SeedArchitecture().LoadWeights(path)),
            ["tfjs"] = (".json", LoadTfjs),
            ["weights-json"] = (".weights.json", LoadShardedWeights),
            ["model-json"] = (".json", path => KerasModelJson.FromJson(File.ReadAllText(path), path)),
            ["experiment"] = (".json", path => ExperimentFile.Load(path, Small)),
            ["png"] = (".png", path => Images.LoadImg(path, colorMode: "rgba")),
            ["jpeg"] = (".jpg", path => Images.LoadImg(path, colorMode: "grayscale")),
            ["bmp"] = (".bmp", path => Images.LoadImg(path, targetSize: (3, 5))),
            ["gif"] = (".gif", path => Images.LoadImg(path)),
        };

    /// <summary>The model the saved seeds hold (Dense(3, relu) on 2 inputs, then Dense(1)): weights files are read into it.</summary>
    public static Sequential SeedArchitecture() =>
        new(new Dense(3, activation: "relu", inputShape: [2]), new Dense(1));

    /// <summary>The TensorFlow.js seed's weights shard: <see cref="SeedArchitecture"/>'s 13 float32 values. A fuzzed model.json
    /// is read beside this shard, so its manifest's names, shapes and sizes are what the mutations test.</summary>
    public static byte[] TfjsShard { get; } = Enumerable.Range(0, 13).SelectMany(i => BitConverter.GetBytes(0.25f * (i - 6))).ToArray();

    public const string TfjsShardName = "group1-shard1of1.bin";

    private static void LoadTfjs(string path)
    {
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(path)!, TfjsShardName), TfjsShard);
        Model.Load(path);
    }

    /// <summary>The shard a fuzzed sharded-weights index (Keras 3.10+'s <c>.weights.json</c>) is read beside: the seed
    /// architecture's weights saved by Nabla, with constant initializers so that making it draws nothing from the
    /// library's random generator (other tests seed it).</summary>
    private static readonly Lazy<byte[]> WeightsShard = new(() => SavedBytes(WeightsShardName,
        path => new Sequential(new Dense(3, activation: "relu", kernelInitializer: "ones", inputShape: [2]),
            new Dense(1, kernelInitializer: "ones")).SaveWeights(path)));

    /// <summary>The bytes <paramref name="save"/> writes to a file named <paramref name="fileName"/> in a scratch folder
    /// (deleted after): how the seeds and shards that only Nabla's writers can make are obtained.</summary>
    public static byte[] SavedBytes(string fileName, Action<string> save)
    {
        string folder = Directory.CreateTempSubdirectory("nabla-fuzz-saved-").FullName;
        try
        {
            string path = Path.Combine(folder, fileName);
            save(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public const string WeightsShardName = "model_00000.weights.h5";

    private static void LoadShardedWeights(string path)
    {
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(path)!, WeightsShardName), WeightsShard.Value);
        SeedArchitecture().LoadWeights(path);
    }

    /// <summary>Whether <paramref name="e"/> is a documented refusal of a bad input.</summary>
    public static bool IsDocumentedRefusal(Exception e) =>
        e is DataFormatException or ArgumentException or FormatException or NotSupportedException
            // Corrupt zip archives: the .keras reader's own checks come first where it has them.
            or InvalidDataException
            // A file the input names that is not there (a TensorFlow.js manifest's shard).
            or FileNotFoundException;

    /// <summary>Runs one input through one reader in a scratch folder; a documented refusal is a pass.</summary>
    public static void Run(string format, ReadOnlySpan<byte> input, string scratchFolder)
    {
        var (extension, read) = All[format];
        string path = Path.Combine(scratchFolder, "input" + extension);
        File.WriteAllBytes(path, input.ToArray());
        try
        {
            using (WeightBudget.Allow(64 << 20)) read(path);
        }
        catch (Exception e) when (IsDocumentedRefusal(e))
        {
        }
    }

    /// <summary>One deterministic mutation of <paramref name="input"/>: flip, set, insert or delete bytes,
    /// overwrite with an interesting integer, or splice a repeated block (the mutations AFL starts with).</summary>
    public static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = new List<byte>(input);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1 when bytes.Count > 0: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.Insert(at, (byte)random.Next(256)); break;
                case 3 when bytes.Count > 0: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(8))); break;
                case 4 when bytes.Count >= at + 4:
                    int[] interesting = [0, -1, 1, 127, 128, 255, 256, 32767, 65535, int.MaxValue, int.MinValue, 1 << 30];
                    var value = BitConverter.GetBytes(interesting[random.Next(interesting.Length)]);
                    for (int i = 0; i < 4; i++) bytes[at + i] = value[i];
                    break;
                default:
                    if (bytes.Count == 0) break;
                    int length = Math.Min(bytes.Count - at, 1 + random.Next(16));
                    var block = bytes.GetRange(at, length);
                    bytes.InsertRange(random.Next(bytes.Count), block);
                    break;
            }
        }
        return bytes.ToArray();
    }

    /// <summary>The corpus folder next to this file, found from <paramref name="start"/> by walking up to Nabla.sln.</summary>
    public static string CorpusFolder(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Nabla.sln"))) return Path.Combine(dir.FullName, "tests", "Fuzz", "corpus");
        throw new DirectoryNotFoundException($"No Nabla.sln above {start}.");
    }
}
