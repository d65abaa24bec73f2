using Nabla.Data;
using Nabla.Layers;

namespace Nabla.Serialization.Saving;

/// <summary>
/// One weights load, checked before anything changes: each reader records, layer by layer, the values it will read
/// (not read yet) and the mismatches it found. <see cref="Apply"/> then refuses the file naming every mismatch, or,
/// with <c>skipMismatch</c> (Keras's <c>skip_mismatch</c>), leaves each mismatched layer whole as it was, warns, and
/// reads the rest. A load that would take nothing from the file is refused either way: that is the wrong file.
/// </summary>
internal sealed class WeightReads(string source, bool skipMismatch)
{
    private readonly List<(Layer Layer, Tensor Weight, Func<float[]> Read)> reads = [];
    private readonly List<(Layer Layer, string Problem)> mismatches = [];
    private readonly List<(Layer Layer, string Reason)> absent = [];
    private readonly List<(string Name, string Problem)> unexpected = [];

    /// <summary>A weight the file holds with the right shape; <paramref name="read"/> runs only if the load goes ahead.</summary>
    public void Read(Layer layer, Tensor weight, Func<float[]> read) => reads.Add((layer, weight, read));

    /// <summary>A layer the file does not fit (a count or shape that differs, a missing entry): an error, or skipped.</summary>
    public void Mismatch(Layer layer, string problem) => mismatches.Add((layer, problem));

    /// <summary>A layer a by-name load finds no entry for: left as it is (Keras's by_name), and reported.</summary>
    public void Absent(Layer layer, string reason) => absent.Add((layer, reason));

    /// <summary>An entry of the file no layer takes: an error, or reported when mismatches are skipped.</summary>
    public void Unexpected(string name, string problem) => unexpected.Add((name, problem));

    /// <summary>Entries a by-name load ignores (Keras's by_name skips them): reported, never an error.</summary>
    public void Ignored(string name) => unexpected.Add((name, ""));

    public IReadOnlyCollection<string> Problems =>
        mismatches.Select(m => m.Problem).Concat(unexpected.Where(u => u.Problem.Length > 0).Select(u => u.Problem)).ToList();

    public WeightsLoadReport Apply(Model model, string field, string expected)
    {
        if (!skipMismatch && Problems.Count > 0)
            throw DataFormatException.AtField(source, field, expected, string.Join("; ", Problems) + ". No weight was changed");
        var skipped = new Dictionary<Layer, string>(ReferenceEqualityComparer.Instance);
        foreach (var (layer, problem) in mismatches) skipped.TryAdd(layer, problem);
        foreach (var (layer, reason) in absent) skipped.TryAdd(layer, reason);
        var taken = reads.Where(r => !skipped.ContainsKey(r.Layer)).ToList();
        if (taken.Count == 0 && model.Weights.Count > 0)
            throw DataFormatException.AtField(source, field, expected,
                $"no layer of model '{model.Name}' in the file" + (Problems.Count > 0 ? $" ({string.Join("; ", Problems)})" : "") + ". No weight was changed");
        var values = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (_, weight, read) in taken) values[weight] = Tensor.FromArray(read(), weight.Shape);
        FileContent.SetWeights(model, model.Weights.Select(w => values.GetValueOrDefault(w, w)).ToList(), source);
        var report = new WeightsLoadReport(
            taken.Select(r => r.Layer).Distinct().Select(l => l.Name).ToList(),
            skipped.Select(s => new SkippedLayer(s.Key.Name, s.Value)).ToList(),
            unexpected.Select(u => u.Name).ToList());
        // Keras warns for each layer it skips; a layer left at its initial weights is never silent.
        foreach (var layer in report.SkippedLayers)
            Console.Error.WriteLine($"Nabla: LoadWeights '{source}': layer {layer.Name} keeps its weights: {layer.Reason}.");
        return report;
    }
}
