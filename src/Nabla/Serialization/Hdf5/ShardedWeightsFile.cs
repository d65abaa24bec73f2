using Nabla.Configuration;
using Nabla.Data;
using Nabla.Serialization.Saving;

namespace Nabla.Serialization.Hdf5;

/// <summary>
/// Keras 3.10+'s sharded weights (<c>save_weights("x.weights.json", max_shard_size=...)</c>): a JSON index with
/// <c>metadata</c> and <c>weight_map</c>, which maps each vars group ("layers/dense/vars") to the HDF5 shard beside
/// the index that holds it; every shard has the tree of <see cref="KerasWeightsTree"/> for its groups.
/// </summary>
internal static class ShardedWeightsFile
{
    private const long MaxIndexBytes = 16L << 20;

    public static WeightsLoadReport Load(Model model, string path, bool skipMismatch = false)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"LoadWeights: '{path}' not found.", path);
        if (info.Length > MaxIndexBytes)
            throw DataFormatException.InFile(path, $"a weights index of at most {MaxIndexBytes} bytes", $"{info.Length} bytes");
        var index = KerasArchive.ParseConfig(File.ReadAllText(path), path);
        var map = index.GetConfig("weight_map") ?? throw DataFormatException.AtField(path, "weight_map", "an object mapping vars groups to shards", "none");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var shards = new Dictionary<string, Hdf5Reader>(StringComparer.Ordinal);
        var byVarsPath = new Dictionary<string, Hdf5Reader>(StringComparer.Ordinal);
        try
        {
            foreach (var (key, value) in map)
            {
                if (value is not string shard)
                    throw new NotSupportedException($"{path} weight_map '{key}': {Config.Describe(value)}; Nabla reads groups held whole by one shard.");
                if (shard.Length == 0 || shard.Contains('/') || shard.Contains('\\') || shard is "." or ".." || Path.IsPathRooted(shard))
                    throw DataFormatException.AtField(path, $"weight_map '{key}'", "a shard file name beside the index", $"'{shard}'");
                if (!shards.TryGetValue(shard, out var reader))
                    shards[shard] = reader = Hdf5Reader.Open(Path.Combine(folder, shard));
                string varsPath = key.Trim('/');
                if (!varsPath.EndsWith("/vars", StringComparison.Ordinal) && varsPath != "vars") varsPath += "/vars";
                byVarsPath[varsPath] = reader;
            }
            using var store = KerasVarsStore.Sharded([.. shards.Values], byVarsPath, path);
            shards.Clear();
            var report = KerasWeightsTree.LoadWeights(model, store, skipMismatch);
            KerasOptimizerVariables.RestoreAfter(report, model, store.FileHolding(KerasOptimizerVariables.VarsPath));
            return report;
        }
        finally
        {
            foreach (var reader in shards.Values) reader.Dispose();
        }
    }
}
