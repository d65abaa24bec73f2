namespace Nabla.Doctor;

/// <summary>
/// Everything detectors read: model-level quantities, each watched layer's per-step series, the loss curve,
/// and whether the model learned. Detectors read this and nothing else.
/// </summary>
internal sealed record Quantities
{
    public required ModelQuantities Model { get; init; }

    public IReadOnlyList<LayerSeries> Layers { get; init; } = [];

    public LossCurve Curve { get; init; } = new();

    /// <summary>Prechelt's generalization loss and training progress over the epochs; null without validation data.</summary>
    public GeneralizationLoss? Generalization { get; init; }

    /// <summary>Validation classes that no training row has, for a classifier with validation data; null otherwise.</summary>
    public ValidationClasses? ValidationClasses { get; init; }

    /// <summary>Whether the run learned (<see cref="LearningProgress"/>); null before training (pre-flight).</summary>
    public bool? Learned { get; init; }

    /// <summary>A classifier's epochs below the learning gate (<see cref="StalledEpochs"/>); null for other models and before training.</summary>
    public StalledEpochs? Stalled { get; init; }

    /// <summary>For each layer whose kernel got no gradient: the operations that cut the path, if any.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Blockers { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>For each layer with a weight that gets no gradient, the structural reason, naming the layer and op.</summary>
    public IReadOnlyDictionary<string, string> MissingGradientCauses { get; init; } = new Dictionary<string, string>();

    /// <summary>Layers with a weight that no loss reaches: their branch ends in nothing or in an output without a loss.</summary>
    public IReadOnlySet<string> UnreachedLayers { get; init; } = new HashSet<string>();

    /// <summary>With two or more outputs with a loss: each one's weighted share of the total loss; null otherwise.</summary>
    public OutputLossShares? OutputShares { get; init; }

    /// <summary>Where training stopped with every gradient exactly zero (<see cref="GradientFreeze"/>); null when it never did.</summary>
    public GradientFreeze? Freeze { get; init; }

    /// <summary>Every prediction at the cross-entropy's clip at the end (<see cref="PinnedOutput"/>); null otherwise.</summary>
    public PinnedOutput? Pinned { get; init; }

    /// <summary>The first layer whose output overflowed in the first sampled step (<see cref="ForwardOverflow"/>); null otherwise.</summary>
    public ForwardOverflow? Overflow { get; init; }

    /// <summary>The regression targets' scale under MSE or MAE; null for other losses and before training.</summary>
    public TargetScale? TargetScale { get; init; }

    /// <summary>The training loss climbed back up from its best and stayed there (<see cref="Doctor.Relapse"/>); null otherwise and before training.</summary>
    public Relapse? Relapse { get; init; }

    /// <summary>The loss's answer to a tenth and ten times the learning rate (<see cref="LearningRateProbe"/>); null when not probed.</summary>
    public LearningRateResponse? RateResponse { get; init; }

    /// <summary>The median update ratio of the layer that moves most, among layers with a gradient to step along; NaN without samples.</summary>
    public double FastestUpdateRatio =>
        Layers.Select(l => l.MedianMovingUpdateRatio).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();

    /// <summary>The layer the gradient-ratio detectors compare the first layer with (AUTOTRAINER's last kernel): the last
    /// watched layer; with several outputs, the output layer with a loss whose gradient is largest, so that an output
    /// starved by a small loss weight does not make the shared layers' gradient look exploded, nor a dominant one make it
    /// look vanished (that imbalance is dominating_loss's finding).</summary>
    public LayerSeries? ReferenceLayer
    {
        get
        {
            if (Layers.Count == 0) return null;
            var heads = Model.Outputs.Where(o => o.HasLoss).Select(o => o.Name).ToHashSet();
            var outputLayers = Layers.Where(l => heads.Contains(l.Name)).ToList();
            return outputLayers.Count > 1 ? outputLayers.MaxBy(l => l.MedianGradientNorm) : Layers[^1];
        }
    }

    /// <summary>AUTOTRAINER's vanishing gradient: the first layer's median kernel gradient norm below beta_1 times the
    /// reference layer's, and below beta_2 itself. False when there is no second layer to compare with or the loss went
    /// non-finite.</summary>
    public bool GradientsVanish(DoctorThresholds t) => VanishingGradientNorms() is var (first, last) && Vanish(first, last, t);

    /// <summary>The test <see cref="GradientsVanish"/> applies to the two norms.</summary>
    public static bool Vanish(double firstNorm, double lastNorm, DoctorThresholds t) =>
        firstNorm / lastNorm < t.VanishingGradientRatio && firstNorm < t.VanishingFirstLayerNorm;

    /// <summary>The first layer's and the reference layer's median kernel gradient norms, when both are measured and differ.</summary>
    public (double first, double last)? VanishingGradientNorms()
    {
        if (Layers.Count < 2 || Curve.FirstNonFinite is not null || ReferenceLayer is not { } last) return null;
        var first = Layers[0];
        if (ReferenceEquals(first, last)) return null;
        double firstNorm = first.MedianGradientNorm, lastNorm = last.MedianGradientNorm;
        return double.IsFinite(firstNorm) && lastNorm > 0 ? (firstNorm, lastNorm) : null;
    }

    /// <summary>Every mistake pinned at the cross-entropy's clip while gradients still flow (<see cref="PinnedOutput"/>,
    /// no <see cref="GradientFreeze"/>) and the loss has stopped falling (less than
    /// <see cref="DoctorThresholds.PlateauRelativeImprovement"/> over the last <see cref="DoctorThresholds.PlateauEpochs"/>):
    /// the mistakes pass back no gradient, so training no longer corrects them. A loss still falling that happens to
    /// match the clip's arithmetic is a fit in progress, not this. Counted only under steps above UMLAUT's bound
    /// (<see cref="ModelQuantities.EffectiveLearningRate"/> above <see cref="DoctorThresholds.MaxLearningRate"/>): steps that
    /// large are what make every mistake certain.</summary>
    public bool MistakesPinnedBySteps(DoctorThresholds t) =>
        Pinned is not null && Freeze is null && Layers.Count > 0 && !Layers.All(l => l.AllGradientsZero)
        && Curve.Improvement(t.PlateauEpochs).improvement < t.PlateauRelativeImprovement
        && Model.EffectiveLearningRate > t.MaxLearningRate;

    /// <summary>AUTOTRAINER's unstable training: the epochs with a swing (an accuracy drop of zeta or more, or a loss rise
    /// beyond <see cref="DoctorThresholds.OscillationRelativeSwing"/>) and the epoch changes, when they are at least
    /// <see cref="DoctorThresholds.OscillationEpochFraction"/> of them. Null with too few epochs, a non-finite loss, steps
    /// below DeepDiagnosis's lower band in every layer (weights that barely move cannot bounce across a valley: the
    /// swings are the noise of dropout and batch order), or a loss at the uniform guess throughout (probabilities that
    /// hardly differ flip the accuracy with which side of the threshold they fall).</summary>
    public (int Swings, int Changes)? Oscillation(DoctorThresholds t)
    {
        if (Curve.Losses.Count < t.OscillationMinEpochs || Curve.FirstNonFinite is not null) return null;
        if (FastestUpdateRatio < t.MinUpdateRatio) return null;
        double uniform = Model.UniformGuessLoss;
        if (double.IsFinite(uniform) && Curve.Losses.All(l => Math.Abs(l - uniform) <= uniform * t.UniformGuessLossMargin)) return null;
        // A loss that only ever rises diverges (exploding gradients, a rate too high); a bounce falls back too.
        if (!Curve.FellOnce()) return null;
        int swings = Curve.Swings(t.OscillationRelativeSwing, t.OscillationAccuracyDrop), changes = Curve.Losses.Count - 1;
        return swings / (double)changes >= t.OscillationEpochFraction ? (swings, changes) : null;
    }

    public bool UnnormalizedInputs(DoctorThresholds t) => Model.Inputs is { } i && i.P99 > t.UnnormalizedInputMagnitude;
}
