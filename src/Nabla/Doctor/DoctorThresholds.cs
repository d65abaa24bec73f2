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

    /// <summary>A plain stack (no shortcut) of at least this many kernel layers is deep enough that vanishing gradients
    /// are first treated with identity shortcuts (add_skip_connections). He et al. 2016 ("Deep residual learning") show
    /// plain nets degrading with depth (Fig. 1: a 56-layer plain net trains worse than a 20-layer one on CIFAR-10;
    /// Table 2: plain-34 worse than plain-18 on ImageNet) where residual ones do not; they give no cut-off. 10 is Nabla's
    /// choice, the smallest example (a 10-conv plain CNN); it leaves the clinic's 8-layer sigmoid stacks to the
    /// activation and normalization fixes.</summary>
    public int SkipConnectionMinDepth { get; set; } = 10;

    /// <summary>With several outputs: one output's weighted loss this many times another's dominates the total. At 100 the
    /// smaller one is under 1% of the total loss, so of the gradient that shapes the shared layers. Multi-task work shows
    /// such imbalance hurts the weaker task (Chen et al. 2018, GradNorm; Kendall, Gal and Cipolla 2018, uncertainty
    /// weighting) but gives no cut-off; two orders of magnitude is Nabla's choice, well clear of the 2-10x weights
    /// people set on purpose.</summary>
    public double DominatingLossRatio { get; set; } = 100;

    /// <summary>AUTOTRAINER: a first/last gradient-norm ratio above this is exploding.</summary>
    public double ExplodingGradientRatio { get; set; } = 70;

    /// <summary>Through time: a recurrent layer whose ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ (median over samples) is below this has
    /// vanishing gradients. AUTOTRAINER's layer-to-layer ratio (1e-3, above) applied between the first and the last
    /// step, where the demonstration asks for the ratio (Bengio, Simard and Frasconi 1994 describe the decay,
    /// they give no threshold); measured on the adding problem, see docs/doctor.md.</summary>
    public double VanishingThroughTimeRatio { get; set; } = 1e-3;

    /// <summary>Through time: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ above this is exploding (AUTOTRAINER's exploding layer ratio, 70,
    /// applied between the first and the last step; Pascanu, Mikolov and Bengio 2013 describe the growth, not a number).</summary>
    public double ExplodingThroughTimeRatio { get; set; } = 70;

    /// <summary>Before a NaN loss: a layer whose sampled gradient norm grew this many times over its first sample
    /// exploded (two orders of magnitude, well beyond the few-fold changes of healthy training).</summary>
    public double ExplodingGradientGrowth { get; set; } = 100;

    /// <summary>AUTOTRAINER (AutoTrainer/utils/monitor.py, loss_issue): a loss at or above 1e5 counts with NaN as an
    /// exploding loss (it reads the validation loss; Nabla reads the training loss, and only when it also ended
    /// above where it started).</summary>
    public double ExplodingLoss { get; set; } = 1e5;

    /// <summary>A final loss above this multiple of the first batch's loss diverged. Nabla's own: one batch's loss
    /// is noisy (see <see cref="EarlyLossSteps"/>), so a few percent of headroom keeps a flat run from counting.</summary>
    public double DivergedLossGrowth { get; set; } = 1.05;

    /// <summary>Nabla's own: a sigmoid/tanh pre-activation with |z| above this is saturated
    /// (σ'(4) ≈ 0.018, tanh'(4) ≈ 0.0013). DeepDiagnosis uses 5.</summary>
    public double SaturationPreActivation { get; set; } = 4;

    /// <summary>Nabla's own: a pre-activation value repeated exactly in at least this share of a unit's rows (two rows at
    /// least) is a response to a constant receptive field (a convolution over blank background or zero padding) and is left
    /// out of <see cref="SaturatedFraction"/>'s count. Sums of products of real-valued inputs and weights do not repeat
    /// otherwise; measured: raw MNIST digits into a tanh Conv2D saturate 95% of the responses to strokes but 42% of all.</summary>
    public double ConstantResponseShare { get; set; } = 0.01;

    /// <summary>DeepDiagnosis: more than half of the units saturated is a finding.</summary>
    public double SaturatedFraction { get; set; } = 0.5;

    /// <summary>Nabla's own: with more than 90% of units on the flat tails a sigmoid/tanh layer is close to
    /// binary and passes back almost no gradient, so saturation stays a warning in a run that learned even when it
    /// appears only after the loss fell (the clinic's sigmoid MNIST network on raw pixels reaches about 90% this way,
    /// its ReLU one about 96%: it learns, worse than it could, which is a warning, not an error).</summary>
    public double SevereSaturatedFraction { get; set; } = 0.9;

    /// <summary>A recurrent cell's gate with at least this share of its units stuck at one end (<see cref="GateSaturation"/>:
    /// within σ(−<see cref="SaturationPreActivation"/>) of 0 or 1 at every step of every sample) is stuck. DeepDiagnosis's
    /// saturated-layer share (<see cref="SaturatedFraction"/>, more than half of the units) applied to a gate's units, which
    /// must stay saturated over the whole batch and sequence rather than on average. Measured on the recurrent clinic: no unit of
    /// a healthy LSTM or GRU (the 80-epoch adding-problem LSTM included) was stuck at any sampled step; biases of −10 or +5
    /// leave 90–100% of a gate's units stuck.</summary>
    public double StuckGateFraction { get; set; } = 0.5;

    /// <summary>DeepDiagnosis's dead-node rule: at least this share of a ReLU layer's units output 0 for the whole batch.</summary>
    public double DeadReluFraction { get; set; } = 0.7;

    /// <summary>AUTOTRAINER's dying-ReLU gamma (AutoTrainer/demo_test.py: 0.7; utils/monitor.py gradient_zero_radio):
    /// at least this share of a layer's gradient entries exactly 0.</summary>
    public double ZeroGradientFraction { get; set; } = 0.7;

    /// <summary>ReLU units dead (or gradients zero) only while a classifier was below the learning gate count when that stall
    /// lasted at least this many epochs: AUTOTRAINER checks every 3 epochs (AutoTrainer/utils/monitor.py), so one of its
    /// checks falls inside such a stretch.</summary>
    public int DeadReluStallEpochs { get; set; } = 3;

    /// <summary>In a run that learned, a stall costs a warning only when it covers at least this share of the epochs:
    /// AUTOTRAINER's eta (demo_test.py: 0.2), the share of epochs its symptoms must cover (<see cref="OscillationEpochFraction"/>).
    /// A shorter one is the first climb of a healthy run (on the published clinic's tuning half: AUTOTRAINER's CNN under
    /// SGD with momentum, 7 of 200 epochs on its way to 97%; its overfitting circles, 3 of 1,000, from the draw after its
    /// own), where the stalled programs of the dying-ReLU problem type spend 27% and 48%.</summary>
    public double StallEpochFraction { get; set; } = 0.2;

    /// <summary>Inputs whose 99th percentile of |x| exceeds this are not normalized. UMLAUT flags anything
    /// outside [-1, 1]; z-scored data legitimately reaches 3–5. Tuned on the published clinic's tuning half: AUTOTRAINER's
    /// blob set (cluster coordinates up to about 15, 99th percentile near 13) trains well unscaled (autotrainer-blobs-fixed),
    /// and at 10 every fault injected into it was blamed on its inputs instead; 20 leaves it alone and still catches
    /// raw pixels (255), raw tabular features (hundreds) and the injected x1000 scales.</summary>
    public double UnnormalizedInputMagnitude { get; set; } = 20;

    /// <summary>Root mean square of regression targets above which they count as unscaled. The same bound as
    /// <see cref="UnnormalizedInputMagnitude"/>, for the same reason: standardized values stay within 3–5, and a linear
    /// output starts with unit-sized weights. Set on the published clinic's tuning half: AUTOTRAINER's regression set
    /// (targets with standard deviation 140, left unscaled by its case-17 programs) is above it; the healthy regressors of
    /// tests/Clinic are below it.</summary>
    public double UnscaledTargetMagnitude { get; set; } = 20;

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

    /// <summary>A loss still above this share of the starting loss has not really been learned. The same share judges a
    /// regressor against the best constant prediction (the targets' mean under MSE, their median under MAE), and tells
    /// saturation that appeared only once the loss had fallen below it (confident fitting, info) from saturation that
    /// stood in the way of learning.</summary>
    public double PlateauLossFraction { get; set; } = 0.8;

    /// <summary>A cross-entropy within this fraction of ln(classes), the uniform guess's loss, is a plateau even
    /// if it still creeps down. 2% is far below any learned model (a 10-class model at 30% accuracy is near 1.9 vs
    /// 2.30) and above the creep of a stuck one (measured: 2.305 vs 2.303 at chance accuracy).</summary>
    public double UniformGuessLossMargin { get; set; } = 0.02;

    /// <summary>A frozen classifier's loss within this fraction of (error rate) x -ln(1e-7) has every prediction at the
    /// cross-entropy's clip. Measured: AUTOTRAINER's batch-1 blobs program froze at 5.2223 with 67.6% accuracy, where
    /// 0.324 x 16.118 = 5.2222; an unfrozen loss that matched within 5% by chance would still need zero gradients everywhere.</summary>
    public double ClippedOutputLossTolerance { get; set; } = 0.05;

    /// <summary>After a run froze (every sampled gradient exactly zero), its epoch losses may spread this much (highest over
    /// lowest, minus 1): with no gradient only momentum left from earlier steps moves the weights, and it decays. Measured:
    /// AlexNet under Adam(1), frozen from its second step, 1.1% over 19 epochs; SGD(1) at batch 8 whose sampled batches
    /// were pinned while others still moved, 20%.</summary>
    public double FrozenLossSpread { get; set; } = 0.05;

    /// <summary>Below this error rate a run with zero gradients has fitted its training set (every prediction right and
    /// at the clip), which is not a stuck output.</summary>
    public double ClippedOutputMinErrorRate { get; set; } = 0.01;

    /// <summary>Steps averaged for the starting loss. One 32-sample batch's MSE has a relative standard error
    /// of about √(2/32) ≈ 25%, as large as the 20% drop the gate asks for (measured: a regressor at SGD 1e-6
    /// passed the gate on one lucky first batch); 8 steps bring it to about 9%, and a healthy run moves
    /// little in its first 8 steps.</summary>
    public int EarlyLossSteps { get; set; } = 8;

    /// <summary>AUTOTRAINER's Theta (AutoTrainer/demo_test.py, default_param 'Theta': 0.7): a classifier whose
    /// accuracy is below this has not learned. Symptoms of a run that learned are reported as info.</summary>
    public double LowAccuracy { get; set; } = 0.7;

    /// <summary>AUTOTRAINER's eta (demo_test.py: 0.2): swings in at least this share of epochs are oscillation…</summary>
    public double OscillationEpochFraction { get; set; } = 0.2;

    /// <summary>…where a swing is an accuracy drop of at least AUTOTRAINER's zeta (demo_test.py: 0.03)…</summary>
    public double OscillationAccuracyDrop { get; set; } = 0.03;

    /// <summary>…or a loss rise of more than this fraction (Nabla's own, for models without an accuracy metric:
    /// a 10% rise is far outside the epoch-to-epoch noise of a descending loss).</summary>
    public double OscillationRelativeSwing { get; set; } = 0.1;

    /// <summary>A classifier that learned but whose training accuracy still rose by at least this much in each of the last
    /// <see cref="StillLearningEpochs"/> epochs stopped too early. AUTOTRAINER's zeta (demo_test.py: 0.03), the smallest accuracy
    /// change it counts as a real move, read upward. Checked on the published clinic's tuning half only: no fixed program ends
    /// so (their last two gains are at most 0.033 and 0.0); the 5-epoch shrink of DeepLocalize's hotdog program does (+7.2 and +7.2 points).</summary>
    public double StillLearningAccuracyGain { get; set; } = 0.03;

    /// <summary>Epochs in a row that must each gain <see cref="StillLearningAccuracyGain"/> (two: one epoch's gain can be a lucky batch order).</summary>
    public int StillLearningEpochs { get; set; } = 2;

    /// <summary>A relapse (<see cref="Relapse"/>) is judged over the mean loss of this many last epochs: Prechelt's strip of
    /// k = 5 (<see cref="OverfittingStripEpochs"/>), long enough that one bad epoch does not make it.</summary>
    public int RelapseEpochs { get; set; } = 5;

    /// <summary>The last epochs' mean loss must be at least this multiple of the lowest epoch loss before them to be a
    /// relapse. Nabla's own round figure: twice the loss is far outside the few percent that minibatch noise moves an
    /// epoch's mean. On the published clinic's tuning half, from three draws each, no fixed program's training loss ended
    /// above 1.6 times its lowest, and no fixed program ended above 1.3 times it outside losses under 0.002.</summary>
    public double RelapseLossGrowth { get; set; } = 2;

    /// <summary>…and the rise must be at least this share of the fall from the first batch's loss to that lowest one, so
    /// that a loss already near zero (0.001 to 0.002) is not a relapse. Nabla's own round figure.</summary>
    public double RelapseProgressShare { get; set; } = 0.1;

    /// <summary>Epochs needed before oscillation is judged (Nabla's own: with fewer, 20% of the changes is one swing).</summary>
    public int OscillationMinEpochs { get; set; } = 5;

    /// <summary>The learning-rate probe (<see cref="LearningRateProbe"/>): a relative loss fall below this over the probe's
    /// steps is no real progress. Nabla's own: 5% is beyond the batch-to-batch noise of the fixed probe batch's loss
    /// (the same rows every time) and below what a working rate reaches in 24 steps on the clinics' programs.</summary>
    public double ProbeMinimumFall { get; set; } = 0.05;

    /// <summary>Ten times the rate is "clearly better" when its loss fall is at least this many times the rate's own.
    /// Nabla's own: a rate that is merely on the slow side gains less than 3x from a tenfold increase over a few
    /// steps; one that is far too low gains close to 10x.</summary>
    public double ProbeGainFactor { get; set; } = 3;

    /// <summary>A response in proportion to the rate: each tenfold step of the rate (a tenth to the rate, the rate to ten
    /// times it) lowers the loss by at least this share of the tenfold that a first-order response gives (the loss change
    /// of small steps is the rate times the squared gradient, so it scales with the rate until the steps reach the loss's
    /// curvature). Nabla's own, checked on the published clinic's tuning half probed from three draws each: the programs at
    /// rates 1,000 to 10,000 times too low answer 9.9x or more at both steps, the next program 7.3x (DeepFD's BiLSTM) and
    /// every fixed program at most 6.3x at one of them.</summary>
    public double ProbeLinearShare { get; set; } = 0.8;

    /// <summary>The smallest fall at ten times the rate that a proportional response is read from: a float32 mean loss over
    /// the probe's 256 rows carries rounding of about 1e-6 of its value, a hundredth of this.</summary>
    public double ProbeLinearMinimumFall { get; set; } = 1e-4;

    /// <summary>Overfitting: the validation loss at the end more than this many percent above its lowest value so far,
    /// Prechelt's generalization loss GL (<see cref="GeneralizationLoss"/>) past his GL_5 criterion (Lutz Prechelt, "Early
    /// Stopping — But When?", Neural Networks: Tricks of the Trade, 1998: the criterion GL_alpha stops at the first epoch with
    /// GL(t) &gt; alpha, and GL_5 is one of the criteria his study compares). Past it, the run trains on while its validation
    /// loss is measurably worse than at its best epoch.</summary>
    public double OverfittingGeneralizationLoss { get; set; } = 5;

    /// <summary>Prechelt's training strip length k (the same paper: P_k is measured over strips of k = 5 epochs): the
    /// overfitting check needs k + 1 epochs and a best validation epoch at least k epochs before the end (a validation loss
    /// that has not improved for a whole strip, what EarlyStopping(patience=k) waits for), and "the training loss kept
    /// falling" is judged over the last k.</summary>
    public int OverfittingStripEpochs { get; set; } = 5;

    /// <summary>An overfitting model costs what its user watches when its validation accuracy at the best validation-loss
    /// epoch is at least this much above the final one: AUTOTRAINER's accuracy-drop zeta (demo_test.py: 0.03), the drop it
    /// already counts as a real change of accuracy (<see cref="OscillationAccuracyDrop"/>). Below it, a classifier whose
    /// validation loss rises from over-confidence while its accuracy holds is an observation (info).</summary>
    public double OverfittingAccuracyCost { get; set; } = 0.03;
}
