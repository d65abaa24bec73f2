namespace Nabla.Serialization.Hdf5;

/// <summary>
/// Where the <c>vars</c> groups of a Keras 3 weights tree live: one HDF5 file (<c>model.weights.h5</c> in a .keras
/// archive, or a <c>.weights.h5</c>), or the shards that a sharded <c>.weights.json</c> maps them to.
/// </summary>
internal sealed class KerasVarsStore : IDisposable
{
    private readonly IReadOnlyList<Hdf5Reader> files;
    private readonly Func<string, Hdf5Reader?> locate;
    private readonly Func<IEnumerable<string>> layerPaths;

    private KerasVarsStore(IReadOnlyList<Hdf5Reader> files, Func<string, Hdf5Reader?> locate, Func<IEnumerable<string>> layerPaths, string source)
    {
        this.files = files;
        this.locate = locate;
        this.layerPaths = layerPaths;
        Source = source;
    }

    /// <summary>The file (or index file) as errors name it.</summary>
    public string Source { get; }

    public static KerasVarsStore Single(Hdf5Reader file) => new([file],
        varsPath => file.Exists(varsPath) ? file : null,
        () => file.Exists("layers") ? file.Children("layers").Groups : [],
        file.Source);

    /// <summary>Shards, with the shard holding each vars path ("layers/dense/vars").</summary>
    public static KerasVarsStore Sharded(IReadOnlyList<Hdf5Reader> shards, IReadOnlyDictionary<string, Hdf5Reader> byVarsPath, string source) =>
        new(shards,
            varsPath => byVarsPath.TryGetValue(varsPath, out var shard) && shard.Exists(varsPath) ? shard : null,
            () => byVarsPath.Keys
                .Select(k => k.Split('/'))
                .Where(parts => parts.Length == 3 && parts[0] == "layers" && parts[2] == "vars")
                .Select(parts => parts[1]),
            source);

    /// <summary>The file holding the group at <paramref name="varsPath"/>, or null when no file has it.</summary>
    public Hdf5Reader? FileHolding(string varsPath) => locate(varsPath);

    /// <summary>The layer paths the files hold ("dense", "dense_1", "input_layer"...).</summary>
    public IEnumerable<string> SavedLayerPaths() => layerPaths();

    public void Dispose()
    {
        foreach (var file in files) file.Dispose();
    }
}
