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

    /// <summary>A loss name ("mse") or <c>{"class_name": ..., "config": ...}</c>; for a model with several outputs also a
    /// list with one entry per output (null for an output trained without a loss) or a dictionary keyed by output name.</summary>
    public object Loss { get; init; } = "mse";

    /// <summary>Each output's weight in the total loss: a list in output order or a dictionary keyed by output name
    /// (Keras's <c>loss_weights</c>); null weighs every output 1.</summary>
    public object? LossWeights { get; init; }

    /// <summary>For a model with several inputs: the widths x's last axis is cut into, one per input in order
    /// (<c>data.split_x</c>); null gives the one input x whole.</summary>
    public IReadOnlyList<int>? SplitX { get; init; }

    /// <summary>For a model with several outputs: the widths y's last axis is cut into, one per output that has a loss,
    /// in order (<c>data.split_y</c>); an output without a loss gets no target. Null gives the one output y whole.</summary>
    public IReadOnlyList<int>? SplitY { get; init; }

    /// <summary>Whether the data is cut into several inputs or outputs (<see cref="SplitX"/>, <see cref="SplitY"/>).</summary>
    internal bool SplitsData => SplitX is not null || SplitY is not null;

    /// <summary>A single loss for the model (not one per output).</summary>
    internal bool HasSingleLoss => Loss is string || (Loss is Config c && c.ContainsKey("class_name"));

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

    /// <summary>An EarlyStopping callback for fit, as its Keras arguments (<c>{"monitor": "val_loss", "patience": 10,
    /// "restore_best_weights": true}</c>, see <see cref="Callbacks.EarlyStopping.GetConfig"/>); null for none. The
    /// experiment file's <c>fit.callbacks</c> sets it, and so does the early_stopping repair.</summary>
    public Config? EarlyStopping { get; init; }

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
        model.Compile(optimizer, CompiledLoss(), Metrics, CompiledLossWeights());
        return model;
    }

    /// <summary>The loss as Compile takes it: one Loss, or one per output (a list or a dictionary by output name).</summary>
    private object CompiledLoss()
    {
        if (HasSingleLoss) return OneLoss(Loss)!;
        return Loss switch
        {
            List<object?> list => list.Select(OneLoss).ToArray(),
            Config byName => byName.ToDictionary(kv => kv.Key, kv => OneLoss(kv.Value)),
            var other => throw new ArgumentException($"{Name}: a loss must be a name, an object, a list or a dictionary by output name; found {Config.Describe(other)}."),
        };

        static object? OneLoss(object? spec) => spec is null ? null : Losses.Loss.Registry.Deserialize(spec is Config c ? c.DeepClone() : spec);
    }

    private object? CompiledLossWeights() => LossWeights switch
    {
        null => null,
        List<object?> list => list.Select(w => (object?)Convert.ToDouble(w, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        Config byName => byName.ToDictionary(kv => kv.Key, kv => (object?)Convert.ToDouble(kv.Value, System.Globalization.CultureInfo.InvariantCulture)),
        var other => throw new ArgumentException($"{Name}: loss weights must be a list or a dictionary by output name; found {Config.Describe(other)}."),
    };

    /// <summary>x as the model's inputs: cut by <see cref="SplitX"/>, else whole.</summary>
    internal Tensor[] Inputs(Tensor x) => SplitX is null ? [x] : ExperimentSplit.Columns(x, SplitX);

    /// <summary>y as the compiled model's targets: cut by <see cref="SplitY"/> among the outputs that have a loss (the others
    /// get none), else whole.</summary>
    internal Tensor?[] Targets(Model model, Tensor y)
    {
        if (SplitY is null) return [y];
        var parts = ExperimentSplit.Columns(y, SplitY);
        var targets = new Tensor?[model.OutputCount];
        int next = 0;
        for (int i = 0; i < targets.Length; i++)
            if (model.Losses[i] is not null)
                targets[i] = next < parts.Length ? parts[next++]
                    : throw new ArgumentException($"{Name}: 'data.split_y' gives {parts.Length} target(s), but the model has more outputs with a loss.");
        if (next != parts.Length)
            throw new ArgumentException($"{Name}: 'data.split_y' gives {parts.Length} targets for {next} output(s) with a loss.");
        return targets;
    }

    /// <summary>The schedule <see cref="ReduceLearningRateOnPlateau"/> adds: half the rate after an epoch whose training
    /// loss did not improve.</summary>
    internal static ReduceLROnPlateau PlateauSchedule() => new(monitor: "loss", factor: 0.5, patience: 1);

    internal IEnumerable<Callback> ExtraCallbacks()
    {
        if (ReduceLearningRateOnPlateau)
            yield return PlateauSchedule();
        if (EarlyStopping is Config stopping)
            yield return Callbacks.EarlyStopping.FromConfig(stopping);
    }

    /// <summary>The rows of the data, training and validation together.</summary>
    public int Rows => X.Rank == 0 ? 0 : X.Shape[0];

    /// <summary>The rows the run trains on: those before Keras's validation split, <c>int(n * (1 - validation_split))</c>.</summary>
    public int TrainingRows => Nabla.Model.TrainingSamples(Rows, ValidationSplit);

    /// <summary>The optimizer steps the run takes: epochs times the batches of the training rows.</summary>
    public long TrainingSteps => StepsFor(Rows, ValidationSplit, Epochs, BatchSize);

    /// <summary>The optimizer steps of a run over <paramref name="rows"/> rows (validation included).</summary>
    internal static long StepsFor(int rows, double validationSplit, int epochs, int batchSize)
    {
        int training = Nabla.Model.TrainingSamples(rows, validationSplit);
        return (long)epochs * ((training + batchSize - 1) / Math.Max(1, batchSize));
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

    /// <summary>The names of a functional config's output layers ("output_layers"); empty for a Sequential config.</summary>
    internal IReadOnlySet<string> OutputLayerNames()
    {
        var inner = Model.GetConfig("config") ?? Model;
        if (!inner.TryGet("output_layers", out var outputs)) return new HashSet<string>();
        // Keras writes one [name, node, tensor] triple, or a list of them for several outputs.
        var triples = outputs is List<object?> { Count: > 0 } list && list[0] is string ? [list] : (outputs as List<object?> ?? []).OfType<List<object?>>();
        return triples.Select(t => t.Count > 0 ? t[0] as string : null).OfType<string>().ToHashSet();
    }

    internal void SetLayerConfigs(List<Config> layers)
    {
        var inner = Model.GetConfig("config") ?? Model;
        inner["layers"] = layers.Cast<object?>().ToList();
    }
}
