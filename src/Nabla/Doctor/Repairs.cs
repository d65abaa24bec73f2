using System.Globalization;
using Nabla.Layers;
using Nabla.Configuration;
using Nabla.Data;

namespace Nabla.Doctor;

/// <summary>
/// Each fix code as a change to an <see cref="Experiment"/>'s configuration. A change that does not
/// apply (no sigmoid layer to replace, loss already cross-entropy...) returns null.
/// </summary>
internal static partial class Repairs
{
    private static readonly HashSet<string> SaturatingActivations = ["sigmoid", "tanh", "hard_sigmoid", "softsign"];

    /// <summary>How often a fix may be tried on the same run: learning-rate changes step by decades, up to 1000x.</summary>
    public static int MaxTries(string fix) => fix switch
    {
        FixCodes.LowerLearningRate or FixCodes.RaiseLearningRate => 3,
        FixCodes.TrainLonger => 2,
        _ => 1,
    };

    /// <summary>The fix that moves the same setting the other way, if there is one.</summary>
    public static string? OppositeOf(string fix) => fix switch
    {
        FixCodes.LowerLearningRate => FixCodes.RaiseLearningRate,
        FixCodes.RaiseLearningRate => FixCodes.LowerLearningRate,
        _ => null,
    };

    /// <summary>The configuration change of <paramref name="fix"/> to the run <paramref name="current"/>; <paramref name="repeat"/>
    /// counts earlier tries of it on the same run (the learning rate then moves one more decade).</summary>
    public static (Experiment experiment, string change)? Apply(string fix, ExperimentResult current, int repeat = 0) =>
        Apply(fix, current.Experiment, current.Model, repeat, current.Diagnosis.History.GetValueOrDefault("loss"));

    /// <summary>The same for an experiment and the model it trained; <paramref name="losses"/>: that run's training losses
    /// per epoch, when known.</summary>
    public static (Experiment experiment, string change)? Apply(string fix, Experiment e, Model trained, int repeat = 0,
        IReadOnlyList<double>? losses = null) => fix switch
    {
        FixCodes.UseReluHeInit => ReplaceHidden(e, a => SaturatingActivations.Contains(a) || ForwardOverflow.ExplosiveActivations.Contains(a),
            "relu", "he_uniform", "hidden {0} -> relu with he_uniform"),
        FixCodes.UseLeakyRelu => ReplaceHidden(e, a => a is "relu" or "relu6", "leaky_relu", null, "hidden {0} -> leaky_relu"),
        FixCodes.FixInitialization => FixInitialization(e),
        FixCodes.NormalizeInputs => ChainAsSequential.Edit(e, NormalizeInputs),
        FixCodes.AddBatchNormalization => ChainAsSequential.Edit(e, AddBatchNormalization),
        FixCodes.UseCrossEntropy => ChainAsSequential.Edit(e, chain => UseCrossEntropy(chain, trained)),
        FixCodes.UseLinearOutput => ChainAsSequential.Edit(e, chain => UseLinearOutput(chain, trained)),
        FixCodes.StandardizeTargets => ChainAsSequential.Edit(e, chain => StandardizeTargets(chain, trained)),
        FixCodes.LowerLearningRate => StepLearningRate(e, down: true, repeat, trained),
        FixCodes.RaiseLearningRate => StepLearningRate(e, down: false, repeat, trained),
        FixCodes.UseAdam => OptimizerName(e) == "adam" ? null
            : (e with { Optimizer = Optimizer("Adam", new Config { ["learning_rate"] = 1e-3 }) }, "optimizer -> Adam(learning_rate=0.001)"),
        FixCodes.ClipGradients => ClipGradients(e),
        FixCodes.ChangeBatchSize => e.BatchSize * 2 > e.Rows ? null
            : (e with { BatchSize = e.BatchSize * 2 }, $"batch size {e.BatchSize} -> {e.BatchSize * 2}"),
        FixCodes.UseLrSchedule => e.ReduceLearningRateOnPlateau || !PlateauScheduleWouldAct(losses) ? null
            : (e with { ReduceLearningRateOnPlateau = true }, PlateauScheduleText()),
        FixCodes.RemoveBlockingOp => Unfreeze(e),
        FixCodes.UseLstmOrGru => SimpleRnnToGru(e),
        FixCodes.AddSkipConnections => SkipConnections.Apply(e),
        FixCodes.PruneUnreachedLayers => UnreachedBranches.Prune(e),
        FixCodes.BalanceLossWeights => LossWeightBalance.Apply(e),
        FixCodes.ResetRecurrentBias => ResetRecurrentBias(e),
        FixCodes.UseRegressionMetric => UseRegressionMetric(e),
        FixCodes.ShuffleBeforeSplit => ShuffleRepair.Apply(e),
        FixCodes.TrainLonger => (e with { Epochs = e.Epochs * 2 }, $"epochs {e.Epochs} -> {e.Epochs * 2}"),
        FixCodes.EarlyStopping => OverfittingRepairs.EarlyStopping(e),
        FixCodes.AddDropout => ChainAsSequential.Edit(e, OverfittingRepairs.AddDropout),
        _ => null,
    };

    /// <summary>Whether the repair's schedule (<see cref="Experiment.PlateauSchedule"/>) would have lowered the rate in a run
    /// with these training losses: only after its patience of epochs that did not improve on the best loss so far by
    /// Keras's min_delta (1e-4), and before the last epoch (a lower rate after it trains nothing). A run retrained from the
    /// same seed is the same run until the schedule first acts, so when it never would, the schedule changes nothing and is
    /// not worth a repair attempt. Unknown losses: it may act.</summary>
    internal static bool PlateauScheduleWouldAct(IReadOnlyList<double>? losses)
    {
        if (losses is null) return true;
        int patience = Experiment.PlateauSchedule().Patience, waited = 0;
        double best = double.PositiveInfinity;
        for (int epoch = 0; epoch < losses.Count - 1; epoch++)
        {
            if (losses[epoch] + Callbacks.ReduceLROnPlateau.DefaultMinDelta < best)
            {
                best = losses[epoch];
                waited = 0;
            }
            else if (++waited >= patience) return true;
        }
        return false;
    }

    /// <summary>"ReduceLROnPlateau(monitor=loss, factor=0.5, patience=1)": the repair's schedule as its change reads.</summary>
    private static string PlateauScheduleText()
    {
        var schedule = Experiment.PlateauSchedule();
        return string.Create(CultureInfo.InvariantCulture,
            $"ReduceLROnPlateau(monitor={schedule.Monitor}, factor={schedule.Factor}, patience={schedule.Patience})");
    }

    /// <summary>Accuracy metrics replaced by mean absolute error (kept once); null when there is no accuracy metric.</summary>
    private static (Experiment, string)? UseRegressionMetric(Experiment e)
    {
        var accuracy = e.Metrics.Where(m => m.Contains("acc", StringComparison.OrdinalIgnoreCase)).ToList();
        if (accuracy.Count == 0) return null;
        var metrics = e.Metrics.Except(accuracy).Append("mae").Distinct().ToList();
        return (e with { Metrics = metrics }, $"metrics [{string.Join(", ", e.Metrics)}] -> [{string.Join(", ", metrics)}]");
    }

    /// <summary>The part of remove_blocking_op a configuration can express: frozen layers made trainable. A
    /// non-differentiable operation inside a custom loss or layer needs a code change by the user (null here).</summary>
    private static (Experiment, string)? Unfreeze(Experiment e)
    {
        var copy = Copy(e);
        var layers = copy.LayerConfigs();
        var names = new List<string>();
        foreach (var layer in layers)
        {
            var config = layer.GetConfig("config")!;
            if (config.GetBool("trainable", true)) continue;
            config["trainable"] = true;
            names.Add(config.GetString("name", ClassOf(layer))!);
        }
        if (names.Count == 0) return null;
        copy.SetLayerConfigs(layers);
        return (copy, $"trainable: false -> true for {string.Join(", ", names)}");
    }

    /// <summary>Every SimpleRNN, wrapped ones included, becomes a GRU with the same units, sequence options, dropout, name and input shape, and
    /// Keras's GRU defaults otherwise (tanh, sigmoid gates, glorot_uniform / orthogonal, reset_after). A GRU rather than
    /// an LSTM: on the adding problem (T = 50, 800 sequences, Adam 0.01) a GRU learned within 15 epochs (validation MSE
    /// 0.001) where an LSTM was still on the 1/6 plateau, as the issue notes LSTMs leave it only after 16-34 epochs.</summary>
    private static (Experiment, string)? SimpleRnnToGru(Experiment e)
    {
        var copy = Copy(e);
        var layers = copy.LayerConfigs();
        var names = new List<string>();
        string[] kept = ["name", "units", "return_sequences", "go_backwards", "dropout", "recurrent_dropout", "seed", "trainable", "stateful",
            "batch_shape", "batch_input_shape", "input_shape"];
        // Wrapped ones too (Bidirectional(SimpleRNN) -> Bidirectional(GRU)): each entry is edited in place.
        foreach (var layer in RepairLayer.Of(layers).SelectMany(l => l.WithWrapped()))
        {
            if (layer.ClassName != "SimpleRNN") continue;
            var old = layer.Config;
            var config = new Config();
            foreach (var key in kept)
                if (old.TryGet(key, out var value)) config[key] = value;
            layer.Entry["class_name"] = "GRU";
            layer.Entry["config"] = config;
            names.Add(old.GetString("name", "simple_rnn")!);
        }
        if (names.Count == 0) return null;
        copy.SetLayerConfigs(layers);
        return (copy, $"SimpleRNN -> GRU (Keras defaults) for {string.Join(", ", names)}");
    }

    /// <summary>Each recurrent layer's bias back to Keras's start: bias_initializer zeros and, where the layer has it,
    /// unit_forget_bias true (an LSTM's forget gate at 1). Recurrent layers, wrapped ones (Bidirectional) included, are found
    /// by their Keras keys, not their class.</summary>
    private static (Experiment, string)? ResetRecurrentBias(Experiment e)
    {
        var copy = Copy(e);
        var layers = copy.LayerConfigs();
        var changes = new List<string>();
        foreach (var layer in RepairLayer.Of(layers).SelectMany(l => l.WithWrapped()).Where(l => l.Recurrent))
        {
            if (layer.ResetBias() is string bias) changes.Add($"{layer.Name}: bias {bias} -> Zeros");
            if (layer.Full.TryGet("unit_forget_bias", out var forget) && forget is false)
            {
                layer.Config["unit_forget_bias"] = true;
                changes.Add($"{layer.Name}: unit_forget_bias false -> true");
            }
        }
        if (changes.Count == 0) return null;
        copy.SetLayerConfigs(layers);
        return (copy, string.Join("; ", changes));
    }

    /// <summary>Changes the activation of the hidden Dense/convolution layers and Activation layers (those before the
    /// output layer) that <paramref name="matches"/>, and the kernel initializer of the kernel layers among them.</summary>
    private static (Experiment, string)? ReplaceHidden(Experiment e, Func<string, bool> matches, string activation, string? initializer, string change)
    {
        var copy = Copy(e);
        var layers = copy.LayerConfigs();
        var views = RepairLayer.Of(layers);
        var replaced = new List<string>();
        var biasesReset = new List<string>();
        var outputs = e.OutputLayerNames();
        foreach (var layer in views.Take(Math.Max(0, RepairLayer.OutputIndex(views))))
        {
            // A functional model's other outputs may come before the last kernel layer in its list: they are not hidden.
            if (outputs.Contains(layer.Name)) continue;
            if (!(layer.FeedForwardKernel || layer.ActivationOnly) || !matches(layer.Activation)) continue;
            replaced.Add(layer.Activation);
            layer.Config["activation"] = activation;
            if (initializer is not null && layer.HasKernel)
            {
                // A fresh start for the new activation: a bias chosen for the old one (+8 under sigmoid) does not carry over.
                layer.Config[layer.KernelInitializerKey] = Registry<Initializers.Initializer>.Serialize(Initializers.Initializer.Get(initializer));
                if (layer.ResetBias() is not null) biasesReset.Add(layer.Name);
            }
        }
        if (replaced.Count == 0) return null;
        copy.SetLayerConfigs(layers);
        change = string.Format(System.Globalization.CultureInfo.InvariantCulture, change, string.Join("/", replaced.Distinct()));
        return (copy, biasesReset.Count == 0 ? change : $"{change}; bias of {string.Join(", ", biasesReset)} -> Zeros");
    }

    /// <summary>Puts the scaling into the model as its first layer, so it travels with it: a Rescaling by
    /// 1/max for non-negative data that reaches down to half its maximum or below (pixels), else a Normalization adapted to x, per channel: axis 1
    /// when the first layer takes channels-first images. A functional model with branches is rebuilt with the layer in front
    /// of its input (<see cref="FunctionalReplay"/>).</summary>
    private static (Experiment, string)? NormalizeInputs(Experiment e)
    {
        var copy = Copy(e);
        var layers = copy.LayerConfigs();
        if (layers.Any(l => ClassOf(l) is "Normalization" or "Rescaling")) return null;
        if (!e.LayersAreAChain && e.SplitX is not null) return null;
        var x = e.X.Data;
        float min = System.Numerics.Tensors.TensorPrimitives.Min(x), max = System.Numerics.Tensors.TensorPrimitives.Max(x);
        int axis = RepairLayer.Of(layers).FirstOrDefault(l => l.ClassName != "InputLayer")?.ChannelAxis ?? -1;
        int features = e.X.Shape[axis < 0 ? e.X.Rank - 1 : axis];
        Config layerConfig;
        string change;
        // Dividing by the largest value normalizes data anchored at 0 (pixels, counts); data far from 0 (readings offset
        // by thousands) would keep its narrow band away from 0 after it, so it is standardized instead.
        if (min >= 0 && max > 1 && min <= max / 2)
        {
            layerConfig = new Config { ["name"] = "rescaling", ["scale"] = 1.0 / max, ["offset"] = 0.0 };
            change = $"first layer Rescaling(scale=1/{max:G4})";
        }
        else
        {
            var normalization = new Normalization(axis: axis);
            normalization.Adapt(e.X);
            layerConfig = normalization.GetConfig();
            layerConfig["name"] = "normalization";
            change = $"first layer Normalization adapted to x ({features} features)";
        }
        var entry = new Config { ["class_name"] = layerConfig.ContainsKey("scale") ? "Rescaling" : "Normalization", ["config"] = layerConfig };
        if (!e.LayersAreAChain)
            return FunctionalReplay.WithFirstLayer(e, Layer.Deserialize(entry)) is { } rebuilt ? (e with { Model = rebuilt }, change) : null;
        int insertAt = layers.Count > 0 && ClassOf(layers[0]) == "InputLayer" ? 1 : 0;
        MoveInputShape(layers, insertAt, layerConfig);
        layers.Insert(insertAt, entry);
        copy.SetLayerConfigs(layers);
        return (copy, change);
    }

    /// <summary>Keras reads the input shape from the first layer: move it onto the inserted one.</summary>
    private static void MoveInputShape(List<Config> layers, int index, Config inserted)
    {
        if (index >= layers.Count) return;
        var old = layers[index].GetConfig("config")!;
        foreach (var key in new[] { "batch_shape", "batch_input_shape", "input_shape" })
            if (old.Remove(key, out var value)) inserted[key] = value;
    }

    /// <summary>A BatchNormalization (over the layer's channels: the last axis, or axis 1 after a channels-first convolution)
    /// after each hidden Dense or convolution layer,
    /// with a momentum its run can use (<see cref="BatchNormalizationMomentum"/>).</summary>
    private static (Experiment, string)? AddBatchNormalization(Experiment e)
    {
        if (e.LayerConfigs().Any(l => ClassOf(l) == "BatchNormalization")) return null;
        if (!e.LayersAreAChain) return AddBatchNormalizationAfterCalls(e);
        double momentum = BatchNormalizationMomentum(e.TrainingSteps);
        var copy = Copy(e);
        var layers = copy.LayerConfigs();
        var views = RepairLayer.Of(layers);
        var after = new List<string>();
        for (int i = RepairLayer.OutputIndex(views) - 1; i >= 0; i--)
        {
            if (!views[i].FeedForwardKernel) continue;
            layers.Insert(i + 1, new Config
            {
                ["class_name"] = "BatchNormalization",
                ["config"] = new Config { ["name"] = $"batch_normalization_repair_{i}", ["momentum"] = momentum, ["axis"] = (long)views[i].ChannelAxis },
            });
            after.Add(views[i].ClassName);
        }
        if (after.Count == 0) return null;
        copy.SetLayerConfigs(layers);
        return (copy, $"BatchNormalization after {after.Count} hidden layer(s) ({CountsByClass(after)}){MomentumNote(momentum, e.TrainingSteps)}");
    }

    /// <summary>The weight the moving statistics may keep on their start (mean 0, variance 1) at the end of the run.</summary>
    private const double StartWeightLeft = 0.01;

    /// <summary>
    /// Keras's momentum 0.99, unless the run is too short for it: the moving mean and variance that inference uses keep
    /// momentum^steps of their start, 28% after 128 steps at 0.99, so a short run validates on statistics that are largely
    /// not its own. Below 459 steps the momentum is the one that leaves <see cref="StartWeightLeft"/> of the start.
    /// </summary>
    internal static double BatchNormalizationMomentum(long steps) =>
        steps <= 0 ? BatchNormalization.DefaultMomentum
            : Math.Round(Math.Min(BatchNormalization.DefaultMomentum, Math.Pow(StartWeightLeft, 1.0 / steps)), 4);

    private static string MomentumNote(double momentum, long steps) => momentum < BatchNormalization.DefaultMomentum
        ? string.Create(CultureInfo.InvariantCulture, $", momentum {momentum:0.####} (Keras's 0.99 keeps {100 * Math.Pow(BatchNormalization.DefaultMomentum, steps):0}% of the starting statistics after the run's {steps} steps)")
        : "";

    /// <summary>"36 Conv2D, 17 DepthwiseConv2D": how many of each class, in ordinal order of the class names.</summary>
    private static string CountsByClass(List<string> classNames) =>
        string.Join(", ", classNames.GroupBy(c => c).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));

    /// <summary>add_batch_normalization on a functional model with branches: a BatchNormalization after each call of a
    /// hidden feed-forward kernel layer (every one but the output's, found along <see cref="Model.OutputPath"/>), the
    /// model rebuilt call by call (<see cref="FunctionalReplay"/>). Null with several outputs.</summary>
    private static (Experiment, string)? AddBatchNormalizationAfterCalls(Experiment e)
    {
        var read = RepairLayer.Of(e.LayerConfigs());
        if (FunctionalOutput(e, read) is not { } output) return null;
        var views = RepairLayer.ByName(read);
        var after = new List<string>();
        double momentum = BatchNormalizationMomentum(e.TrainingSteps);
        Layer? Normalize(Layer layer)
        {
            if (!views.TryGetValue(layer.Name, out var view) || !view.FeedForwardKernel || view.Name == output.Layer.Name) return null;
            after.Add(view.ClassName);
            return new BatchNormalization(momentum: momentum, name: $"batch_normalization_repair_{after.Count - 1}", axis: view.ChannelAxis);
        }
        if (FunctionalReplay.WithLayersAfter(e, Normalize) is not { } rebuilt || after.Count == 0) return null;
        return (e with { Model = rebuilt },
            $"BatchNormalization after {after.Count} hidden layer call(s) ({CountsByClass(after)}){MomentumNote(momentum, e.TrainingSteps)}; the functional model rebuilt call by call");
    }

    private static (Experiment, string)? ClipGradients(Experiment e)
    {
        var spec = OptimizerSpec(e);
        var config = spec.GetConfig("config")!;
        if (config.TryGet("clipnorm", out _) || config.TryGet("global_clipnorm", out _) || config.TryGet("clipvalue", out _)) return null;
        config["clipnorm"] = 1.0;
        return (e with { Optimizer = spec }, "optimizer clipnorm = 1.0");
    }

    /// <summary>The optimizer as a mutable <c>{"class_name", "config"}</c> copy.</summary>
    private static Config OptimizerSpec(Experiment e) => e.Optimizer switch
    {
        Config c => c.DeepClone(),
        string name => Optimizer(Optimizers.Optimizer.Registry.ClassNameOf(name), new Config()),
        var other => throw new ArgumentException($"Unsupported optimizer spec {other}."),
    };

    private static string OptimizerName(Experiment e) =>
        Optimizers.Optimizer.Registry.ClassNameOf(e.Optimizer is Config c ? c.GetString("class_name") : (string)e.Optimizer).ToLowerInvariant();

    private static Config Optimizer(string className, Config config) => new() { ["class_name"] = className, ["config"] = config };

    /// <summary>The model's output layer: its last watched layer, as its last training step (or one sample) shows it.</summary>
    private static ActivatedOutput? OutputOf(Model trained, Experiment e)
    {
        // The output repairs edit one loss and one output layer: not a model with several outputs or inputs.
        if (!e.HasSingleLoss || e.SplitsData || trained.OutputCount > 1) return null;
        if (WatchedLayers.Of(trained) is not { Count: > 0 } layers) return null;
        var step = trained.LastTrainStep ?? trained.CaptureGradientStep(Preprocessing.RowRange(e.X, 0, 1), Preprocessing.RowRange(e.Y, 0, 1));
        return layers[^1].Activity(step);
    }

    private static Experiment Copy(Experiment e) => e with { Model = e.Model.DeepClone() };

    private static string ClassOf(Config layer) => layer.GetString("class_name");

    private static string InitializerName(object spec) => spec switch
    {
        string s => Initializers.Initializer.Registry.ClassNameOf(s),
        Config c => c.GetString("class_name"),
        _ => "?",
    };
}
