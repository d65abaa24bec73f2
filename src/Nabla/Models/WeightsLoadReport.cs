namespace Nabla;

/// <summary>
/// What <see cref="Model.LoadWeights"/> did, layer by layer (PyTorch's <c>load_state_dict</c> returns its missing and
/// unexpected keys the same way): the layers it loaded, those it left as they were and why (a mismatch skipped with
/// <c>skipMismatch</c>, or, with <c>byName</c>, no layer of that name in the file), and the file's layers the model
/// has no place for. A strict load (the default) either loads every layer or throws.
/// </summary>
public sealed class WeightsLoadReport
{
    internal WeightsLoadReport(IReadOnlyList<string> loaded, IReadOnlyList<SkippedLayer> skipped, IReadOnlyList<string> unexpected)
    {
        LoadedLayers = loaded;
        SkippedLayers = skipped;
        UnexpectedLayers = unexpected;
    }

    /// <summary>The model's layers whose weights were read from the file.</summary>
    public IReadOnlyList<string> LoadedLayers { get; }

    /// <summary>The model's layers with weights that kept the weights they had, each with the reason.</summary>
    public IReadOnlyList<SkippedLayer> SkippedLayers { get; }

    /// <summary>The file's layers (or tensors) that no layer of the model took.</summary>
    public IReadOnlyList<string> UnexpectedLayers { get; }

    /// <summary>True when every layer with weights was loaded and the file held nothing else.</summary>
    public bool Complete => SkippedLayers.Count == 0 && UnexpectedLayers.Count == 0;

    internal static WeightsLoadReport All(Model model) =>
        new(model.Layers.Where(l => l.Weights.Count > 0).Select(l => l.Name).ToList(), [], []);

    public override string ToString() =>
        $"{LoadedLayers.Count} layers loaded" +
        (SkippedLayers.Count > 0 ? $"; skipped: {string.Join("; ", SkippedLayers)}" : "") +
        (UnexpectedLayers.Count > 0 ? $"; not in the model: {string.Join(", ", UnexpectedLayers)}" : "");
}

/// <summary>A layer <see cref="Model.LoadWeights"/> left with the weights it had.</summary>
public sealed record SkippedLayer(string Name, string Reason)
{
    public override string ToString() => $"'{Name}' ({Reason})";
}
