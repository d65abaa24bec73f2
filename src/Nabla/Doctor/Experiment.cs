using Nabla.Callbacks;
using Nabla.Configuration;
using Nabla.Serialization;

namespace Nabla.Doctor;

/// <summary>
/// Everything needed to train a model from scratch, reproducibly: the Keras model config, the compile
/// and fit settings, the data and the seed. Repairs produce modified copies of it.
/// </summary>
public sealed record Experiment
{
    public string Name { get; init; } = "experiment";

    /// <summary>The Keras model config (<c>{"class_name": "Sequential", "config": {...}}</c>).</summary>
    public required Config Model { get; init; }

    /// <summary>An optimizer name ("adam") or <c>{"class_name": "Adam", "config": {...}}</c>.</summary>
    public object Optimizer { get; init; } = "adam";

    /// <summary>A loss name ("mse") or <c>{"class_name": ..., "config": ...}</c>.</summary>
    public object Loss { get; init; } = "mse";

    public IReadOnlyList<string> Metrics { get; init; } = ["accuracy"];

    public required Tensor X { get; init; }

    public required Tensor Y { get; init; }

    public double ValidationSplit { get; init; }

    public int Epochs { get; init; } = 10;

    public int BatchSize { get; init; } = 32;

    public bool Shuffle { get; init; } = true;

    public int Seed { get; init; } = 42;

    /// <summary>Adds ReduceLROnPlateau on the training loss (the use_lr_schedule repair).</summary>
    public bool ReduceLearningRateOnPlateau { get; init; }

    /// <summary>A saved model file (.keras, .h5, TensorFlow.js model.json) whose weights each run starts from while
    /// <see cref="Model"/> is still the architecture saved in it; null to initialize the weights from the config.</summary>
    public string? SavedModelPath { get; init; }

    /// <summary>The architecture saved in <see cref="SavedModelPath"/> (the config as JSON).</summary>
    internal string? SavedArchitecture { get; init; }

    /// <summary>Seeds Nabla, builds the model (from the saved file's weights while the architecture is the saved one,
    /// otherwise from its config) and compiles it; the optimizer starts afresh from its configuration.</summary>
    public Model BuildModel()
    {
        Utils.SetRandomSeed(Seed);
        var model = SavedModelPath is string saved && Model.ToJsonString() == SavedArchitecture
            ? Nabla.Model.Load(saved)
            : KerasModelJson.FromConfig(Model.DeepClone(), Name);
        var optimizer = Optimizers.Optimizer.Deserialize(Optimizer is Config c ? c.DeepClone() : Optimizer);
        var loss = Losses.Loss.Registry.Deserialize(Loss is Config lc ? lc.DeepClone() : Loss);
        model.Compile(optimizer, loss, Metrics);
        return model;
    }

    internal IEnumerable<Callback> ExtraCallbacks()
    {
        if (ReduceLearningRateOnPlateau)
            yield return new ReduceLROnPlateau(monitor: "loss", factor: 0.5, patience: 1);
    }

    /// <summary>The Dense/Activation layer configs of the model, in order (mutable: this is a copy's).</summary>
    internal List<Config> LayerConfigs()
    {
        var inner = Model.GetConfig("config") ?? Model;
        if (!inner.TryGet("layers", out var layers) || layers is not List<object?> list)
            throw new ArgumentException($"{Name}: the model config has no 'layers' list.");
        return list.Cast<Config>().ToList();
    }

    /// <summary>A Sequential config, whose layer list is the order of the calls: a repair may insert or remove
    /// entries. A functional config links its layers by their inbound nodes, which such an edit would break.</summary>
    internal bool LayersAreAChain => Model.GetString("class_name", "Sequential") == "Sequential";

    internal void SetLayerConfigs(List<Config> layers)
    {
        var inner = Model.GetConfig("config") ?? Model;
        inner["layers"] = layers.Cast<object?>().ToList();
    }
}
