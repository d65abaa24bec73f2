using System.Globalization;
using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla.Doctor;

/// <summary>The output repairs (use_cross_entropy, use_linear_output): the output kernel layer's activation and the
/// loss changed together, on a Sequential list of layers or along a functional model's output path.</summary>
internal static partial class Repairs
{
    private static (Experiment, string)? UseCrossEntropy(Experiment e, Model trained)
    {
        if (OutputOf(trained, e) is not { } last) return null;
        string activation = last.Activation.Name;
        string lossName = Losses.Loss.Registry.Deserialize(e.Loss is Config c ? c.DeepClone() : e.Loss).Name;
        var copy = Copy(e);
        var layers = copy.LayerConfigs();
        if (EditableOutput(copy, layers) is not { } output) return null;
        var lastConfig = output.Layer.Config;
        // Integer labels: one per sample ([N] or [N, 1]) or one per step ([N, steps, 1], or [N, steps] under a sparse loss already).
        bool sparse = lossName == "sparse_categorical_crossentropy" || e.Y.Rank == 1 || (e.Y.Shape[^1] == 1 && last.Units > 1);
        (Experiment, string) Done(Experiment changed, string change)
        {
            copy.SetLayerConfigs(output.WithoutTrailingActivations(layers));
            return (changed, change + output.RemovedNote);
        }
        if (last.Units == 1 && ClassCount(e.Y) is int classes && classes > 2)
        {
            // Labels 0..k-1 on one output unit: one unit per class, softmax, and the integer-label cross-entropy.
            lastConfig["units"] = (long)classes; // parsed JSON holds integers as long (Config.DeepClone cannot copy an int)
            output.SetActivation("softmax");
            return Done(copy with { Loss = "sparse_categorical_crossentropy" },
                $"output 1 unit -> {classes} units with softmax, loss {lossName} -> sparse_categorical_crossentropy");
        }
        // A cross-entropy reads probabilities or labels: targets outside [0, 1] that are not class labels are a regression's.
        if (!InUnitInterval(e.Y) && !(sparse && ModelQuantities.AreClassLabels(e.Y.Data))) return null;
        if (last.Units == 1)
        {
            if (activation == "sigmoid" && lossName == "binary_crossentropy") return null;
            output.SetActivation("sigmoid");
            return Done(copy with { Loss = "binary_crossentropy" }, "output -> sigmoid, loss -> binary_crossentropy");
        }
        string wanted = sparse ? "sparse_categorical_crossentropy" : "categorical_crossentropy";
        if (activation == "softmax" && lossName == wanted) return null;
        output.SetActivation("softmax");
        return Done(copy with { Loss = wanted }, $"output -> softmax, loss {lossName} -> {wanted}");
    }

    /// <summary>A regression output: the output layer (the last kernel layer) made linear and the Activation layers after it removed.
    /// Null when the output is already linear, or when the loss is a cross-entropy, which needs probabilities.</summary>
    private static (Experiment, string)? UseLinearOutput(Experiment e, Model trained)
    {
        if (OutputOf(trained, e) is not { } last || trained.Loss is { IsCrossEntropy: true }) return null;
        string activation = last.Activation.Name;
        if (activation == "linear") return null;
        var copy = Copy(e);
        var layers = copy.LayerConfigs();
        if (EditableOutput(copy, layers) is not { } output) return null;
        output.SetActivation("linear");
        copy.SetLayerConfigs(output.WithoutTrailingActivations(layers));
        return (copy, $"output {activation} -> linear{output.RemovedNote}");
    }

    /// <summary>Standardized targets without touching the data: a Rescaling(scale=std, offset=mean) after a linear output, so
    /// that the layers before it learn (y - mean) / std while predictions and the loss keep the targets' units and runs
    /// before and after the repair compare. Each target column gets its own mean and std (Keras 3's per-channel Rescaling),
    /// so that a column in thousands does not leave one in units near 0. The loss's gradient still carries the targets'
    /// scale (the columns' mean variance under MSE, their mean std under MAE), which an optimizer that follows the
    /// gradient's size (SGD) would take into its steps; its rate is divided by that factor, which makes its run the same as
    /// on standardized targets. A functional model with branches gets the Rescaling after its output's call, rebuilt call
    /// by call (<see cref="FunctionalReplay"/>). Null for losses other than MSE and MAE, for a non-linear output, for several
    /// outputs and for a model that already ends rescaled.</summary>
    private static (Experiment, string)? StandardizeTargets(Experiment e, Model trained)
    {
        if (OutputOf(trained, e) is not { } last || last.Activation.Name != "linear") return null;
        if (TargetScale.SquaredErrorOf(trained.Loss) is not bool squared) return null;
        var (means, stds) = ColumnStatistics(e.Y);
        if (!stds.Any(s => s > 0)) return null;
        // A constant column needs only its offset; a scale of 0 would pin its prediction there for good.
        var scales = stds.Select(s => s > 0 ? s : 1.0).ToList();
        if (AfterOutput(e, scales, means) is not { } changed) return null;
        string change = $"last layer Rescaling(scale={Listed(scales)}, offset={Listed(means)})"
            + (e.LayersAreAChain ? "" : " after the output's call; the functional model rebuilt call by call");
        if (trained.Optimizer is { } optimizer && ModelQuantities.IsAdaptive(optimizer.ClassName)) return (changed, change);
        double factor = 1 / (squared ? stds.Average(s => s * s) : stds.Average());
        return ScaleLearningRate(changed, factor, trained) is var (scaled, rate) ? (scaled, $"{change}; {rate} (the loss keeps the targets' units)") : null;
    }

    /// <summary>The experiment with a Rescaling named "target_scale" after its output: appended to a chain's layer list, or
    /// applied to a functional model's output call; null when the output already is a Rescaling or cannot be found.</summary>
    private static Experiment? AfterOutput(Experiment e, List<double> scales, List<double> means)
    {
        if (!e.LayersAreAChain)
        {
            var model = Serialization.KerasModelJson.FromConfig(e.Model.DeepClone(), e.Name);
            if (model.OutputPath() is not [var output, ..] || output is Rescaling) return null;
            var rebuilt = FunctionalReplay.WithLayersAfter(e, l => l.Name == output.Name ? new Rescaling(scales, means, name: "target_scale") : null);
            return rebuilt is null ? null : e with { Model = rebuilt };
        }
        var copy = Copy(e);
        var layers = copy.LayerConfigs();
        if (layers.Count == 0 || ClassOf(layers[^1]) == "Rescaling") return null;
        layers.Add(new Config
        {
            ["class_name"] = "Rescaling",
            ["config"] = new Config
            {
                ["name"] = "target_scale",
                ["scale"] = scales.Count == 1 ? scales[0] : scales.Select(v => (object?)v).ToList(),
                ["offset"] = means.Count == 1 ? means[0] : means.Select(v => (object?)v).ToList(),
            },
        });
        copy.SetLayerConfigs(layers);
        return copy;
    }

    /// <summary>Each target column's mean and standard deviation (the last axis; one column for targets of rank 1).</summary>
    private static (List<double> means, List<double> stds) ColumnStatistics(Tensor y)
    {
        var (mean, std) = Data.Preprocessing.Moments(y.Data.AsSpan(0, y.Size), y.Rank < 2 ? 1 : y.Shape[^1]);
        return ([.. mean], [.. std]);
    }

    private static string Listed(List<double> values) =>
        values.Count == 1 ? values[0].ToString("G4", CultureInfo.InvariantCulture)
            : "[" + string.Join(", ", values.Select(v => v.ToString("G4", CultureInfo.InvariantCulture))) + "]";

    /// <summary>The output kernel layer an output repair edits (the layer itself, or the one a wrapper such as TimeDistributed
    /// holds), and the Activation layers after it, which the repair removes so that the activation it sets is the one the
    /// model ends with. In a functional model removing them would break the links between its layers, so there the
    /// activation is set on the last of them instead and the kernel layer made linear; they are those on the output's
    /// path back to its kernel layer (<see cref="Model.OutputPath"/>), not others listed after it. Null without a kernel
    /// layer, or in a functional model whose output path reaches a merge or an input before one.</summary>
    private static OutputEdit? EditableOutput(Experiment e, List<Config> layers)
    {
        var read = RepairLayer.Of(layers);
        if (!e.LayersAreAChain) return FunctionalOutput(e, read);
        for (int i = read.Count - 1; i >= 0; i--)
        {
            if (read[i].WithWrapped().LastOrDefault(l => l.FeedForwardKernel) is not { } kernel) continue;
            return new OutputEdit(kernel, read.Skip(i + 1).Where(l => l.ActivationOnly).ToList(), KeepTrailing: false);
        }
        return null;
    }

    private static OutputEdit? FunctionalOutput(Experiment e, List<RepairLayer> read)
    {
        if (Serialization.KerasModelJson.FromConfig(e.Model.DeepClone(), e.Name).OutputPath() is not { } path) return null;
        var byName = RepairLayer.ByName(read);
        var trailing = new List<RepairLayer>();
        foreach (var layer in path)
        {
            if (!byName.TryGetValue(layer.Name, out var entry)) return null;
            if (entry.WithWrapped().LastOrDefault(l => l.FeedForwardKernel) is { } kernel)
            {
                trailing.Reverse();
                return new OutputEdit(kernel, trailing, KeepTrailing: trailing.Count > 0);
            }
            if (entry.ActivationOnly) trailing.Add(entry);
        }
        return null;
    }

    private sealed record OutputEdit(RepairLayer Layer, List<RepairLayer> Trailing, bool KeepTrailing)
    {
        /// <summary>Makes the model end with <paramref name="activation"/>: on the kernel layer, or, when the Activation
        /// layers after it stay, on the last of them with the kernel layer and the others linear.</summary>
        public void SetActivation(string activation)
        {
            if (!KeepTrailing)
            {
                Layer.Config["activation"] = activation;
                return;
            }
            Layer.Config["activation"] = "linear";
            for (int i = 0; i < Trailing.Count; i++) Trailing[i].Config["activation"] = i == Trailing.Count - 1 ? activation : "linear";
        }

        public List<Config> WithoutTrailingActivations(List<Config> layers) =>
            KeepTrailing ? layers : layers.Where((_, i) => !Trailing.Any(t => t.Index == i)).ToList();

        public string RemovedNote => Trailing.Count == 0 ? ""
            : KeepTrailing ? $" (set on Activation layer {Trailing[^1].Name}, {Layer.Name} linear)"
            : $" (removed Activation layer(s) {string.Join(", ", Trailing.Select(t => t.Name))})";
    }

    /// <summary>The number of classes when y is one column of non-negative integer labels; null otherwise.</summary>
    private static bool InUnitInterval(Tensor y) =>
        y.Size == 0 || (System.Numerics.Tensors.TensorPrimitives.Min(y.Data) >= 0 && System.Numerics.Tensors.TensorPrimitives.Max(y.Data) <= 1);

    private static int? ClassCount(Tensor y)
    {
        if (y.Size != y.Shape[0] || !ModelQuantities.AreClassLabels(y.Data)) return null;
        return (int)System.Numerics.Tensors.TensorPrimitives.Max(y.Data) + 1;
    }
}
