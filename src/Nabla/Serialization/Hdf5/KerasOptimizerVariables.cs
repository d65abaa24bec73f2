using PureHDF;
using Nabla.Data;

namespace Nabla.Serialization.Hdf5;

/// <summary>
/// A compiled model's optimizer as Keras 3 saves it under <c>optimizer/vars</c>: 0 = iterations (int64 from
/// TensorFlow, int32 from JAX), 1 = learning_rate (absent with a schedule), then the per-parameter slots in the
/// optimizer's <see cref="Optimizers.Optimizer.KerasVariableGroups"/> order over the trainable weights, each at its state's
/// shape (Keras's: the weight's, but for Adafactor's factored r and c). Before its first
/// step a Keras optimizer is not built and saves only the first two.
/// </summary>
internal static class KerasOptimizerVariables
{
    public const string VarsPath = "optimizer/vars";

    public static List<H5Dataset> Collect(Model model)
    {
        var optimizer = model.Optimizer!;
        var values = new List<H5Dataset> { new(optimizer.Iterations) };
        if (optimizer.Schedule is null) values.Add(new H5Dataset((float)optimizer.LearningRate));
        if (optimizer.Iterations == 0) return values;
        foreach (var (weight, name) in Slots(model))
            values.Add(KerasWeightsTree.Dataset(Tensor.FromArray(optimizer.StateArray(weight, name), optimizer.StateShapeOf(weight, name))));
        return values;
    }

    /// <summary>Every (trainable weight, state name) in Keras's variable order.</summary>
    private static List<(Tensor Weight, string Name)> Slots(Model model)
    {
        var trainable = model.TrainableWeights;
        return model.Optimizer!.KerasVariableGroups
            .SelectMany(group => trainable.SelectMany(weight => group.Select(name => (weight, name))))
            .ToList();
    }

    /// <summary>Restores the optimizer's saved state into a compiled model after a weights load in which the file and
    /// the model matched; after a partial load the saved moments would pair with the wrong weights, so they are left
    /// out, with a warning.</summary>
    public static void RestoreAfter(WeightsLoadReport report, Model model, Hdf5Reader? file)
    {
        if (!model.IsCompiled || file is null || !file.Exists(VarsPath)) return;
        if (!report.Complete)
        {
            Console.Error.WriteLine($"Nabla: LoadWeights '{file.Source}': the optimizer's saved state is not restored, since the file and the model differ ({report}).");
            return;
        }
        Restore(model, file);
    }

    /// <summary>
    /// Restores iterations, the learning rate and every slot after checking their count and shapes against the
    /// compiled optimizer; on any problem nothing is restored and the error names the variable.
    /// </summary>
    public static void Restore(Model model, Hdf5Reader file)
    {
        var optimizer = model.Optimizer ?? throw new InvalidOperationException("The model must be compiled to restore its optimizer.");
        var saved = file.Children(VarsPath).Datasets;
        int header = optimizer.Schedule is null ? 2 : 1;
        var slots = Slots(model);
        // Keras's Nadam also keeps its running product u_product as one last scalar; Nabla derives it from iterations.
        int extra = optimizer.ClassName == "Nadam" ? 1 : 0;
        bool built = saved.Count > header;
        int expected = header + slots.Count;
        if (!IsNumbered(saved) || (saved.Count != header && saved.Count != expected && saved.Count != expected + extra))
            throw DataFormatException.AtField(file.Source, VarsPath,
                $"{header} variables (an optimizer before its first step) or {expected} ({optimizer.ClassName}: iterations, " +
                $"{(header == 2 ? "learning_rate, " : "")}then {string.Join(" and ", optimizer.KerasVariableGroups.Select(g => string.Join("+", g)))} for each of {model.TrainableWeights.Count} trainable weights)",
                $"{saved.Count} variables");

        long iterations = file.ReadInteger($"{VarsPath}/0");
        float? learningRate = header == 2 ? file.ReadFloats($"{VarsPath}/1", [])[0] : null;
        var restores = new List<(Tensor Weight, string Name, float[] Values, string Field)>();
        if (built)
            for (int i = 0; i < slots.Count; i++)
            {
                var (weight, name) = slots[i];
                string field = $"{VarsPath}/{header + i}";
                restores.Add((weight, name, file.ReadFloats(field, optimizer.StateShapeOf(weight, name)), $"{field} ({name} of '{weight.Name}')"));
            }
        if (learningRate is float lr)
        {
            if (!float.IsFinite(lr) || lr < 0)
                throw DataFormatException.AtField(file.Source, $"{VarsPath}/1", "a learning rate >= 0", $"{lr}");
            // Keras keeps the rate in float32: take the saved one only where it differs from the compiled rate at
            // that precision (a callback changed it), so a rate given in double is not rounded.
            if ((float)optimizer.LearningRate != lr) optimizer.LearningRate = lr;
        }
        FileContent.RestoreOptimizer(optimizer, file.Source, restores, iterations, $"{VarsPath}/0 (iterations)");
    }

    private static bool IsNumbered(List<string> names) =>
        names.Select(n => int.TryParse(n, System.Globalization.NumberStyles.None, null, out int i) ? i : -1).Order()
            .SequenceEqual(Enumerable.Range(0, names.Count));
}
