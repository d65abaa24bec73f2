using Nabla.Configuration;

namespace Nabla.Doctor;

/// <summary>
/// The overfitting repairs, as a Keras user applies them: early_stopping adds EarlyStopping on the validation loss that
/// keeps the best epoch's weights; add_dropout puts Dropout(0.5) after each hidden Dense layer of a Sequential model.
/// </summary>
internal static class OverfittingRepairs
{
    /// <summary>Epochs without a lower validation loss before stopping: two of Prechelt's strips (2k = 10). The best weights
    /// are kept, so stopping late costs only time, while stopping early on a noisy validation loss keeps a worse minimum.
    /// Measured on autotrainer-circles-overfit-buggy: patience 5 stops at epoch 12 with epoch 7's weights (val_loss 0.3921,
    /// val_accuracy 82.0%), patience 10 at epoch 25 with epoch 15's (0.3891, 83.0%); the synthetic clinic's two overfitting
    /// cases keep the same best epoch either way.</summary>
    public const int Patience = 10;

    /// <summary>Srivastava et al. 2014 ("Dropout: A Simple Way to Prevent Neural Networks from Overfitting"): 0.5 for
    /// hidden units, the rate Keras examples put after hidden Dense layers.</summary>
    public const double DropoutRate = 0.5;

    /// <summary>EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True); null without validation data or
    /// when the experiment already stops early.</summary>
    public static (Experiment, string)? EarlyStopping(Experiment e)
    {
        if (!(e.ValidationSplit > 0) || e.EarlyStopping is not null) return null;
        var config = new Config { ["monitor"] = "val_loss", ["patience"] = (long)Patience, ["restore_best_weights"] = true };
        return (e with { EarlyStopping = config },
            $"fit.callbacks + {{\"class_name\": \"EarlyStopping\", \"config\": {config.ToJsonString()}}}");
    }

    /// <summary>Dropout(0.5) after each hidden Dense layer (a kernel layer with "units" and an activation, before the output
    /// layer) and the Activation layers right after it, where no dropout layer (a layer without a kernel that has a "rate")
    /// follows already before the next kernel layer. Sequential chains only; null when every hidden Dense layer has its dropout.</summary>
    public static (Experiment, string)? AddDropout(Experiment e)
    {
        if (!e.LayersAreAChain) return null;
        var copy = e with { Model = e.Model.DeepClone() };
        var layers = copy.LayerConfigs();
        var views = RepairLayer.Of(layers);
        var after = new List<string>();
        for (int i = RepairLayer.OutputIndex(views) - 1; i >= 0; i--)
        {
            if (!views[i].FeedForwardKernel || !views[i].Full.ContainsKey("units")) continue;
            int end = i + 1;
            while (end < views.Count && !views[end].HasKernel && !IsDropout(views[end])) end++;
            if (end < views.Count && IsDropout(views[end])) continue;
            // After the layer's own Activation layer, if it has one, so that dropout zeroes activations as in Keras examples.
            int at = i + 1;
            while (at < views.Count && !views[at].HasKernel && views[at].Full.ContainsKey("activation")) at++;
            layers.Insert(at, new Config
            {
                ["class_name"] = "Dropout",
                ["config"] = new Config { ["name"] = $"dropout_repair_{i}", ["rate"] = DropoutRate },
            });
            after.Add(views[i].Name);
        }
        if (after.Count == 0) return null;
        copy.SetLayerConfigs(layers);
        after.Reverse();
        return (copy, $"Dropout({DropoutRate}) after {string.Join(", ", after)}");
    }

    private static bool IsDropout(RepairLayer layer) => !layer.HasKernel && layer.Full.ContainsKey("rate");
}
