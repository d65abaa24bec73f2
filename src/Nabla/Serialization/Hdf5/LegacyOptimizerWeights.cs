using Nabla.Data;

namespace Nabla.Serialization.Hdf5;

/// <summary>
/// Keras 2's optimizer state in a legacy .h5 (<c>optimizer_weights</c>): a <c>weight_names</c> list such as
/// "Adam/iter:0", "Adam/dense_1/kernel/m:0"..., each naming a dataset below the group: the optimizer's name, the
/// weight's name, then Keras 2's slot name (Adam m, v, vhat; SGD momentum; RMSprop rms, momentum, mg; Adagrad
/// accumulator; Adadelta accum_grad, accum_var).
/// </summary>
internal static class LegacyOptimizerWeights
{
    private const string Group = "optimizer_weights";

    private static readonly Dictionary<string, string> SlotNames = new(StringComparer.Ordinal)
    {
        ["m"] = "momentum", ["v"] = "velocity", ["vhat"] = "velocity_hat", ["momentum"] = "momentum",
        ["rms"] = "velocity", ["mg"] = "average_gradient", ["accumulator"] = "accumulator",
        ["accum_grad"] = "accumulated_grad", ["accum_var"] = "accumulated_delta_var",
    };

    public static void Restore(Model model, Hdf5Reader file)
    {
        var optimizer = model.Optimizer!;
        var names = file.StringArrayAttribute(Group, "weight_names") ?? [];
        var weights = model.TrainableWeights.ToDictionary(w => w.Name!, StringComparer.Ordinal);
        long? iterations = null;
        var restores = new List<(Tensor Weight, string Name, float[] Values, string Field)>();
        foreach (string name in names)
        {
            string dataset = $"{Group}/{name}";
            string bare = name.EndsWith(":0", StringComparison.Ordinal) ? name[..^2] : name;
            var parts = bare.Split('/');
            if (parts.Length == 2 && parts[1] is "iter" or "iterations")
            {
                iterations = file.ReadInteger(dataset);
                continue;
            }
            string weightName = parts.Length >= 3 ? string.Join('/', parts[1..^1]) : "";
            if (!weights.TryGetValue(weightName, out var weight) || !SlotNames.TryGetValue(parts[^1], out var slot) || !optimizer.HasStateNamed(slot))
                throw DataFormatException.AtField(file.Source, $"'{dataset}'",
                    $"iter or a {optimizer.ClassName} slot ({optimizer.DescribeStateNames()}) of a trainable weight ({string.Join(", ", weights.Keys)})", $"'{name}'");
            restores.Add((weight, slot, file.ReadFloats(dataset, optimizer.StateShapeOf(weight, slot)), $"'{dataset}'"));
        }
        if (iterations is not long steps)
            throw DataFormatException.AtField(file.Source, Group, "an iteration count (\"iter:0\")", "none");
        FileContent.RestoreOptimizer(optimizer, file.Source, restores, steps, $"{Group} iter:0 (iterations)");
    }
}
