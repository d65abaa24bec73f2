namespace Nabla.Doctor;

/// <summary>One output of the model as compiled: its name, whether it has a loss, and the loss's weight in the total.</summary>
internal sealed record CompiledOutput(string Name, bool HasLoss, double LossWeight);

/// <summary>The output layer's facts that the loss/output checks read.</summary>
/// <summary>The model's output layer as the doctor reads it; <paramref name="Probabilities"/>: every output lies in [0, 1]
/// (<see cref="Activations.Activation.OutputsProbabilities"/>).</summary>
internal sealed record OutputLayer(string Name, int Index, int Units, string Activation, bool Probabilities = false);

/// <summary>A kernel's statistics before any training step, and the activation its units feed (known once a step ran).</summary>
internal sealed record InitialKernel(string Layer, int Index, int FanIn, int FanOut, WeightStatistics Weights, double LowStd, double HighStd)
{
    public string Activation { get; init; } = "linear";

    public bool Saturating { get; init; }

    /// <summary>Whether the units are ReLU-like, where He et al. (2015)'s variance analysis holds layer after layer.</summary>
    public bool ReluFamily { get; init; }

    /// <summary>Whether a layer with weights of its own but no kernel (a normalization's statistics, scale and shift) sits
    /// between the previous kernel and this one: it rescales the signal, so the scales of the kernels before it do not
    /// carry over.</summary>
    public bool Rescaled { get; init; }

    /// <summary>He for the ReLU family, Glorot otherwise (see <see cref="VariancePreservingStd.Preferred"/>).</summary>
    public double PreferredStd { get; init; } = double.NaN;
}

/// <summary>What the targets look like: their range, and whether they are non-negative whole numbers (class labels).</summary>
internal sealed record TargetFacts(double Min, double Max, bool ClassLabels, int Columns)
{
    /// <summary>Classes when the targets are one column of labels 0..k-1; 0 otherwise.</summary>
    public int LabelClasses => ClassLabels && Columns == 1 ? (int)Max + 1 : 0;
}

/// <summary>
/// Model-level quantities that need no training: the loss/output pairing, the optimizer, the initial
/// kernels, the scale of the inputs the first weighted layer sees, and the targets.
/// </summary>
internal sealed record ModelQuantities
{
    public OutputLayer? Output { get; init; }

    public Losses.Loss? Loss { get; init; }

    public bool HasAccuracyMetric { get; init; }

    public double LearningRate { get; init; } = double.NaN;

    public string? OptimizerClass { get; init; }

    public bool AdaptiveOptimizer { get; init; }

    /// <summary>The rate the optimizer's class has when none is given (Keras's defaults: SGD 0.01, Adam 0.001...); NaN for
    /// an optimizer class the registry does not know.</summary>
    public double DefaultLearningRate { get; init; } = double.NaN;

    /// <summary>Whether the rate (per row of a summed loss, <see cref="EffectiveLearningRate"/>) lies within a decade of
    /// its optimizer's default, either way: a rate ten times off or more is a choice of its own, which the learning-rate
    /// findings judge. True when the default is unknown.</summary>
    public bool OrdinaryLearningRate =>
        !double.IsFinite(DefaultLearningRate) || !(DefaultLearningRate > 0) || !(EffectiveLearningRate > 0)
        || Math.Abs(Math.Log10(EffectiveLearningRate / DefaultLearningRate)) < 1 - 1e-9;

    /// <summary>Rows per training batch while the model fits; null before (pre-flight).</summary>
    public int? BatchSize { get; init; }

    /// <summary>How many rows' losses one batch's loss adds up: the batch size under the "sum" reduction, 1 under Keras's
    /// default mean ("sum_over_batch_size").</summary>
    public int LossRowsSummed => Loss?.Reduction == Losses.Loss.Sum && BatchSize is int rows ? rows : 1;

    /// <summary>The learning rate a mean loss would need for the same steps: a summed loss's gradient is the mean's times
    /// the rows it sums, and so is the step of an optimizer that follows the gradient's size (SGD, momentum); adaptive
    /// optimizers divide that scale out.</summary>
    public double EffectiveLearningRate => AdaptiveOptimizer ? LearningRate : LearningRate * LossRowsSummed;

    public int TrainableWeights { get; init; }

    public IReadOnlyList<InitialKernel> InitialKernels { get; init; } = [];

    /// <summary>The kernel layers of the model when it is one plain chain, without shortcuts or branches
    /// (<see cref="Model.PlainChain"/>); null for a graph with merges or forks, or a subclassed model.</summary>
    public int? PlainChainKernelLayers { get; init; }

    /// <summary>Each output as compiled (one for most models).</summary>
    public IReadOnlyList<CompiledOutput> Outputs { get; init; } = [];

    /// <summary>Input magnitude after the model's own normalization layers; null before the first batch.</summary>
    public InputStatistics? Inputs { get; init; }

    public TargetFacts? Targets { get; init; }

    public bool IsClassifier => Loss is { IsCrossEntropy: true } || Output is { Probabilities: true };

    /// <summary>A crossentropy that expects probabilities on an output that is not confined to [0, 1]: the loss clips what
    /// leaves that range, so its value moves with where the outputs drift, not only with how well the model fits.</summary>
    public bool OutputOutsideLossRange =>
        Output is { Probabilities: false } && Loss is { IsCrossEntropy: true, ExpectsProbabilities: true };

    /// <summary>ln(classes) for a cross-entropy loss; ln 2 for binary cross-entropy, whatever the number of units (each
    /// unit is a yes/no guess at 0.5); NaN for other losses, the focal crossentropies included (their factors scale it).</summary>
    public double UniformGuessLoss => Output is null || Loss is not { IsCrossEntropy: true } or Losses.FocalCrossentropy ? double.NaN
        : Loss is Losses.BinaryCrossentropy ? Math.Log(2) : Math.Log(Math.Max(2, Output.Units));

    /// <summary>Reads the model before training: call while the kernels still hold their initial values.</summary>
    public static ModelQuantities Of(Model model, IReadOnlyList<WatchedLayer> layers) => new()
    {
        Loss = model.Loss,
        HasAccuracyMetric = model.MetricSpecs.OfType<string>().Any(m => m.Contains("acc", StringComparison.OrdinalIgnoreCase)),
        LearningRate = model.Optimizer?.LearningRate ?? double.NaN,
        OptimizerClass = model.Optimizer?.ClassName,
        AdaptiveOptimizer = model.Optimizer is not null && IsAdaptive(model.Optimizer.ClassName),
        DefaultLearningRate = model.Optimizer is { } optimizer && Optimizers.Optimizer.Registry.Contains(optimizer.ClassName)
            ? Optimizers.Optimizer.Get(optimizer.ClassName).LearningRate : double.NaN,
        BatchSize = model.CurrentFit?.BatchSize,
        TrainableWeights = model.TrainableWeights.Count,
        InitialKernels = layers.Select((l, i) => Initial(l) with { Rescaled = i > 0 && RescalesBetween(model, layers[i - 1].Index, l.Index) }).ToList(),
        PlainChainKernelLayers = model.PlainChain()?.Count(l => l.Kernels.Count > 0),
        Outputs = model.IsCompiled
            ? model.OutputNames.Select((name, i) => new CompiledOutput(name, model.Losses[i] is not null, model.LossWeights[i])).ToList()
            : [],
    };

    private static bool RescalesBetween(Model model, int previous, int next)
    {
        for (int i = previous + 1; i < next; i++)
            if (model.Layers[i].Kernels.Count == 0 && model.Layers[i].Weights.Count > 0) return true;
        return false;
    }

    private static InitialKernel Initial(WatchedLayer l)
    {
        var (low, high) = VariancePreservingStd.Band(l.FanIn, l.FanOut);
        return new(l.Name, l.Index, l.FanIn, l.FanOut, WeightStatistics.Of(l.Kernel.Weight.Data), low, high);
    }

    /// <summary>The same facts completed by a first step: the activation each kernel's units feed, the output layer,
    /// the inputs as the first weighted layer sees them, and the targets.</summary>
    public ModelQuantities WithData(Model model, IReadOnlyList<WatchedLayer> layers, CapturedStep step, ReadOnlySpan<float> targets,
        int targetColumns) => this with
    {
        InitialKernels = InitialKernels.Select(k => layers.FirstOrDefault(l => l.Index == k.Index) is { } l
            && l.Activity(step).Activation is var a
            ? k with { Activation = a.Name, Saturating = a.IsSaturating, ReluFamily = a.IsReluFamily, PreferredStd = VariancePreservingStd.Preferred(a, k.FanIn, k.FanOut) }
            : k).ToList(),
        Output = layers.Count == 0 ? null : OutputOf(layers[^1], step),
        Inputs = InputStatistics.Measure(PreprocessedInputs(model, step).Data),
        Targets = targets.IsEmpty ? null : new TargetFacts(
            System.Numerics.Tensors.TensorPrimitives.Min(targets), System.Numerics.Tensors.TensorPrimitives.Max(targets),
            AreClassLabels(targets), targetColumns),
    };

    private static OutputLayer OutputOf(WatchedLayer last, CapturedStep step)
    {
        var activity = last.Activity(step);
        return new OutputLayer(last.Name, last.Index, activity.Units, activity.Activation.Name, activity.Activation.OutputsProbabilities);
    }

    /// <summary>What the first weighted layer sees: the batch after the model's leading layers that carry no kernel
    /// (Normalization, Rescaling, BatchNormalization, Flatten, InputLayer...), which normalize or only reshape; a
    /// channels-first one's channels-last result (<see cref="Layers.Layer.ChannelsLastView"/>), features on the last axis.</summary>
    public static Tensor PreprocessedInputs(Model model, CapturedStep step)
    {
        var inputs = step.X;
        for (int i = 0; i < model.Layers.Count && model.Layers[i].Kernels.Count == 0; i++)
            inputs = model.Layers[i].ChannelsLastView(step.LayerOutputs[i]);
        return inputs;
    }

    /// <summary>Every target a non-negative whole number: what integer class labels look like.</summary>
    public static bool AreClassLabels(ReadOnlySpan<float> targets)
    {
        foreach (float v in targets)
            if (v < 0 || v != MathF.Floor(v)) return false;
        return !targets.IsEmpty;
    }

    /// <summary>Optimizers that scale each step by a running gradient magnitude.</summary>
    public static bool IsAdaptive(string optimizerClass) =>
        optimizerClass is "Adam" or "AdamW" or "Nadam" or "RMSprop" or "Adagrad" or "Adamax" or "Adadelta" or "Lion" or "Ftrl" or "Adafactor";
}
