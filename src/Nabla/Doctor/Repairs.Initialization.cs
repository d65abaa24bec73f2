using Nabla.Configuration;

namespace Nabla.Doctor;

internal static partial class Repairs
{
    /// <summary>Each Dense/convolution kernel initialized with the variance-preserving scheme for its activation, each
    /// recurrent layer with Keras's defaults (glorot_uniform input kernel, orthogonal recurrent kernel), and each bias
    /// with Keras's zeros (a bias of −10 kills ReLU units however the kernel starts); inside Bidirectional and
    /// TimeDistributed too.</summary>
    private static (Experiment, string)? FixInitialization(Experiment e)
    {
        var copy = Copy(e);
        var layers = copy.LayerConfigs();
        var changes = new List<string>();
        foreach (var layer in RepairLayer.Of(layers).SelectMany(l => l.WithWrapped()).Where(l => l.FeedForwardKernel || (l.HasKernel && l.Recurrent)))
        {
            string wanted = !layer.Recurrent && Activations.Activation.Get(layer.Activation).IsReluFamily ? "he_uniform" : "glorot_uniform";
            SetInitializer(layer, layer.KernelInitializerKey, wanted, "glorot_uniform", changes);
            if (layer.Recurrent) SetInitializer(layer, "recurrent_initializer", "orthogonal", "orthogonal", changes);
            if (layer.ResetBias() is string bias) changes.Add($"{layer.Name}: bias {bias} -> Zeros");
        }
        if (changes.Count == 0) return null;
        copy.SetLayerConfigs(layers);
        return (copy, string.Join("; ", changes));
    }

    /// <summary>Sets <paramref name="key"/> to the initializer <paramref name="wanted"/> unless it already is that one.</summary>
    private static void SetInitializer(RepairLayer layer, string key, string wanted, string kerasDefault, List<string> changes)
    {
        string current = InitializerName(layer.Config.GetValueOr(key, kerasDefault));
        if (Initializers.Initializer.Registry.ClassNameOf(wanted) == current) return;
        layer.Config[key] = Registry<Initializers.Initializer>.Serialize(Initializers.Initializer.Get(wanted));
        changes.Add($"{layer.Name}: {(key == "recurrent_initializer" ? "recurrent " : "")}{current} -> {wanted}");
    }
}
