namespace Nabla.Doctor;

/// <summary>One kernel layer in the gradient-flow report: its median kernel-gradient norm over the sampled steps
/// (NaN when it never got one) and its place in the topological order of the model's kernel layers (from 0).</summary>
public sealed record LayerGradient(string Layer, int LayerIndex, int Position, double MedianGradientNorm);

/// <summary>One branch of the model (see <see cref="GradientFlow"/>) with its kernel layers in call order.</summary>
public sealed record GradientBranch(int Number, string Name, IReadOnlyList<LayerGradient> Layers);

/// <summary>
/// Per-layer gradient norms reported per branch. A branch is a run of layer calls between fork and merge points:
/// in a two-input model, each input's tower is a branch and the layers after the merge are another; a Sequential
/// model is one branch. Branches come in topological order, and so do their layers when the branches are read one
/// after the other (<see cref="LayerGradient.Position"/>): a branch starts only once the tensors it reads exist.
/// A shared layer reports one gradient (its kernel's), under the branch of its first call.
/// </summary>
public static class GradientFlow
{
    /// <summary>One line per branch: its number and name, then each layer's median gradient norm ("none" when it got none).</summary>
    public static IEnumerable<string> Describe(IReadOnlyList<GradientBranch> branches) =>
        branches.Select(b => $"branch {b.Number} ({b.Name}): " + string.Join(", ", b.Layers.Select(l =>
            $"{l.Layer} {(double.IsFinite(l.MedianGradientNorm) ? l.MedianGradientNorm.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) : "none")}")));

    /// <summary>The branches of <paramref name="model"/> that hold a watched kernel layer, with the median gradient
    /// norm of each from <paramref name="samples"/>.</summary>
    internal static IReadOnlyList<GradientBranch> Of(Model model, IReadOnlyList<LayerSample> samples)
    {
        var index = new Dictionary<Layers.Layer, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < model.Layers.Count; i++) index.TryAdd(model.Layers[i], i);
        var medians = samples.GroupBy(s => s.LayerIndex).ToDictionary(g => g.Key, g => LayerSeries.Median(g.Select(s => s.KernelGradNorm)));
        var placed = new HashSet<int>();
        var branches = new List<GradientBranch>();
        foreach (var branch in model.Branches())
        {
            var layers = new List<LayerGradient>();
            foreach (var layer in branch)
            {
                if (layer.Kernels.Count == 0 || !index.TryGetValue(layer, out int i) || !placed.Add(i)) continue;
                layers.Add(new LayerGradient(layer.Name, i, placed.Count - 1, medians.GetValueOrDefault(i, double.NaN)));
            }
            if (layers.Count == 0) continue;
            string name = layers.Count == 1 ? layers[0].Layer : $"{layers[0].Layer} → {layers[^1].Layer}";
            branches.Add(new GradientBranch(branches.Count + 1, name, layers));
        }
        return branches;
    }
}
