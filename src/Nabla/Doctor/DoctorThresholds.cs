namespace Nabla.Doctor;

/// <summary>
/// Every number the doctor compares against, named, with where it comes from. All are settable, so a
/// user can make the doctor stricter or more lenient.
/// </summary>
public sealed class DoctorThresholds
{
    /// <summary>AUTOTRAINER (ICSE 2021): ‖∇ first kernel‖ / ‖∇ last kernel‖ below this is vanishing…</summary>
    public double VanishingGradientRatio { get; set; } = 1e-3;

    /// <summary>…when ‖∇ first kernel‖ is also below this (AUTOTRAINER).</summary>
    public double VanishingFirstLayerNorm { get; set; } = 1e-4;

    /// <summary>AUTOTRAINER: a first/last gradient-norm ratio above this is exploding.</summary>
    public double ExplodingGradientRatio { get; set; } = 70;

    /// <summary>Before a NaN loss: a layer whose sampled gradient norm grew this many times over its first sample
    /// exploded (two orders of magnitude, well beyond the few-fold changes of healthy training).</summary>
    public double ExplodingGradientGrowth { get; set; } = 100;

    /// <summary>AUTOTRAINER: a loss at or above this is exploding.</summary>
    public double ExplodingLoss { get; set; } = 1e3;

    /// <summary>The monitor: a sigmoid/tanh pre-activation with |z| above this is saturated
    /// (σ'(4) ≈ 0.018, tanh'(4) ≈ 0.0013). DeepDiagnosis uses 5.</summary>
    public double SaturationPreActivation { get; set; } = 4;

    /// <summary>DeepDiagnosis: more than half of the units saturated is a finding.</summary>
    public double SaturatedFraction { get; set; } = 0.5;

    /// <summary>Nabla's own: with more than 90% of units on the flat tails a sigmoid/tanh layer is close to
    /// binary and passes back almost no gradient, so saturation is an error even when accuracy passes
    /// the 0.6 gate (the seed's Example 1 reaches about 90% on MNIST this way, Example 2 about 98%).</summary>
    public double SevereSaturatedFraction { get; set; } = 0.9;

    /// <summary>AUTOTRAINER and DeepDiagnosis: 70% of ReLU units dead is a finding.</summary>
    public double DeadReluFraction { get; set; } = 0.7;

    /// <summary>Inputs whose 99th percentile of |x| exceeds this are not normalized. UMLAUT flags anything
    /// outside [-1, 1]; z-scored data legitimately reaches 3–5, so 10 keeps false alarms away.</summary>
    public double UnnormalizedInputMagnitude { get; set; } = 10;

    /// <summary>DeepDiagnosis: weight variance below 1e-5 … </summary>
    public double MinWeightVariance { get; set; } = 1e-5;

    /// <summary>… or above 10 is a poor initialization.</summary>
    public double MaxWeightVariance { get; set; } = 10;

    /// <summary>A kernel whose initial std is this many times off the variance-preserving std for its
    /// fan-in (He for ReLU, Glorot otherwise) is poorly initialized. Keras's glorot default under ReLU is
    /// within 1.1x of He, so it is not flagged.</summary>
    public double InitStdFactor { get; set; } = 4;

    /// <summary>DeepDiagnosis: ‖Δw‖/‖w‖ per step above this means the learning rate is too high…</summary>
    public double MaxUpdateRatio { get; set; } = 0.1;

    /// <summary>…and below this, too low.</summary>
    public double MinUpdateRatio { get; set; } = 1e-5;

    /// <summary>UMLAUT: a learning rate above this is suspicious…</summary>
    public double MaxLearningRate { get; set; } = 1e-2;

    /// <summary>…and below this too small to train in a reasonable time.</summary>
    public double MinLearningRate { get; set; } = 1e-7;

    /// <summary>Plateau: over the last <see cref="PlateauEpochs"/> epochs the loss fell by less than this
    /// fraction of its value, while still above <see cref="PlateauLossFraction"/> of the first epoch's loss.</summary>
    public double PlateauRelativeImprovement { get; set; } = 0.01;

    public int PlateauEpochs { get; set; } = 3;

    /// <summary>A loss still above this share of the starting loss has not really been learned.</summary>
    public double PlateauLossFraction { get; set; } = 0.8;

    /// <summary>A cross-entropy within this fraction of ln(classes), the uniform guess's loss, is a plateau even
    /// if it still creeps down. 2% is far below any learned model (a 10-class model at 30% accuracy is near 1.9 vs
    /// 2.30) and above the creep of a stuck one (measured: 2.305 vs 2.303 at chance accuracy).</summary>
    public double UniformGuessLossMargin { get; set; } = 0.02;

    /// <summary>Steps averaged for the starting loss. One 32-sample batch's MSE has a relative standard error
    /// of about √(2/32) ≈ 25%, as large as the 20% drop the gate asks for (measured: a regressor at SGD 1e-6
    /// passed the gate on one lucky first batch); 8 steps bring it to about 9%, and a healthy run moves
    /// little in its first 8 steps.</summary>
    public int EarlyLossSteps { get; set; } = 8;

    /// <summary>AUTOTRAINER: accuracy below this means the model has not learned; gradient findings are
    /// only reported while it holds (for classifiers).</summary>
    public double LowAccuracy { get; set; } = 0.6;

    /// <summary>AUTOTRAINER: loss (or accuracy) swings in at least this share of epochs…</summary>
    public double OscillationEpochFraction { get; set; } = 0.2;

    /// <summary>…each larger than this relative change, is oscillation.</summary>
    public double OscillationRelativeSwing { get; set; } = 0.1;
}
