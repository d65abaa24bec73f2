namespace Nabla.Doctor;

/// <summary>The doctor's finding codes: a stable contract for JSON output, tests and tools.</summary>
public static class FindingCodes
{
    public const string VanishingGradients = "vanishing_gradients";
    public const string ExplodingGradients = "exploding_gradients";
    public const string MissingGradients = "missing_gradients";
    public const string SaturatedActivations = "saturated_activations";
    public const string SaturatedGates = "saturated_gates";
    public const string DeadRelu = "dead_relu";
    public const string UnnormalizedInputs = "unnormalized_inputs";
    public const string UnscaledTargets = "unscaled_targets";
    public const string PoorInitialization = "poor_initialization";
    public const string LearningRateTooHigh = "learning_rate_too_high";
    public const string LearningRateTooLow = "learning_rate_too_low";
    public const string LossPlateau = "loss_plateau";
    public const string OscillatingLoss = "oscillating_loss";
    public const string LossOutputMismatch = "loss_output_mismatch";
    public const string NanLoss = "nan_loss";
    public const string DominatingLoss = "dominating_loss";
    public const string TooFewEpochs = "too_few_epochs";
    public const string Overfitting = "overfitting";
    public const string UnseenValidationClasses = "unseen_validation_classes";

    public static readonly IReadOnlyList<string> All =
    [
        VanishingGradients, ExplodingGradients, MissingGradients, SaturatedActivations, SaturatedGates, DeadRelu,
        UnnormalizedInputs, UnscaledTargets, PoorInitialization, LearningRateTooHigh, LearningRateTooLow, LossPlateau,
        OscillatingLoss, LossOutputMismatch, NanLoss, DominatingLoss, TooFewEpochs, Overfitting, UnseenValidationClasses,
    ];
}

/// <summary>The doctor's fix codes, each with the sentence shown to users.</summary>
public static class FixCodes
{
    public const string UseReluHeInit = "use_relu_he_init";
    public const string NormalizeInputs = "normalize_inputs";
    public const string FixInitialization = "fix_initialization";
    public const string LowerLearningRate = "lower_learning_rate";
    public const string RaiseLearningRate = "raise_learning_rate";
    public const string UseAdam = "use_adam";
    public const string UseCrossEntropy = "use_cross_entropy";
    public const string UseLinearOutput = "use_linear_output";
    public const string AddBatchNormalization = "add_batch_normalization";
    public const string ClipGradients = "clip_gradients";
    public const string UseLeakyRelu = "use_leaky_relu";
    public const string ChangeBatchSize = "change_batch_size";
    public const string UseLrSchedule = "use_lr_schedule";
    public const string RemoveBlockingOp = "remove_blocking_op";
    public const string UseLstmOrGru = "use_lstm_or_gru";
    public const string ShortenSequences = "shorten_sequences";
    public const string AddSkipConnections = "add_skip_connections";
    public const string PruneUnreachedLayers = "prune_unreached_layers";
    public const string BalanceLossWeights = "balance_loss_weights";
    public const string ResetRecurrentBias = "reset_recurrent_bias";
    public const string UseRegressionMetric = "use_regression_metric";
    public const string TrainLonger = "train_longer";
    public const string ShuffleBeforeSplit = "shuffle_before_split";
    public const string EarlyStopping = "early_stopping";
    public const string AddDropout = "add_dropout";
    public const string StandardizeTargets = "standardize_targets";

    private static readonly Dictionary<string, string> descriptions = new()
    {
        [UseReluHeInit] = "Use ReLU in the hidden layers with He initialization (kernelInitializer: \"he_uniform\").",
        [NormalizeInputs] = "Scale the inputs to a small range: divide pixels by 255, or put a Normalization layer (Adapt on the training data) first.",
        [FixInitialization] = "Initialize kernels with a variance-preserving scheme: he_uniform for ReLU layers, glorot_uniform otherwise.",
        [LowerLearningRate] = "Lower the learning rate by 10x.",
        [RaiseLearningRate] = "Raise the learning rate by 10x.",
        [UseAdam] = "Use the Adam optimizer (learning rate 1e-3), which adapts the step size per weight.",
        [UseCrossEntropy] = "Train classifiers with cross-entropy (categorical_crossentropy for softmax outputs, binary_crossentropy for sigmoid).",
        [UseLinearOutput] = "Use a linear output (activation: \"linear\") for regression targets outside the output activation's range; keep sigmoid/softmax for probabilities.",
        [AddBatchNormalization] = "Add BatchNormalization after each hidden Dense or convolution layer (it normalizes a convolution's channels).",
        [ClipGradients] = "Clip gradients (e.g. clipnorm: 1.0 on the optimizer).",
        [UseLeakyRelu] = "Replace ReLU with leaky_relu so that units cannot die completely.",
        [ChangeBatchSize] = "Use a larger batch (2x) so that each step's gradient is less noisy.",
        [UseLrSchedule] = "Lower the learning rate when the loss stalls (ReduceLROnPlateau) or use a decaying schedule.",
        [UseLstmOrGru] = "Replace the SimpleRNN with a GRU or an LSTM: their gated state carries gradients across many steps (Hochreiter and Schmidhuber 1997). The repair tries a GRU.",
        [ShortenSequences] = "Shorten the sequences (truncate, or split them into windows) so that what the output depends on is fewer steps back. Informational: the doctor cannot try it.",
        [AddSkipConnections] = "Add identity shortcuts (residual connections, He et al. 2016): every two layers, add the block's input to its output with an Add layer where their shapes match, so that the gradient reaches the early layers undiminished. The repair rebuilds the stack as a functional model.",
        [PruneUnreachedLayers] = "Give every output a loss (compile: a loss per output), or remove the layers and outputs that no loss reaches: they never train, and Keras drops a branch that ends in nothing without a word. The repair removes them.",
        [BalanceLossWeights] = "Weigh the outputs' losses so that each has a similar share of the total: loss_weights inversely proportional to each output's loss at the start (GradNorm and uncertainty weighting adapt them during training). The repair sets them so.",
        [ResetRecurrentBias] = "Start the recurrent layer's biases at Keras's defaults (bias_initializer \"zeros\", unit_forget_bias true: an LSTM's forget gate at 1), where every gate sits mid-range and can learn.",
        [UseRegressionMetric] = "Score a regression by its loss or by mean absolute error (metrics: [\"mae\"]), not by accuracy, which counts exact matches.",
        [ShuffleBeforeSplit] = "Shuffle the rows before fit (a permutation with a fixed seed): Keras's validation_split takes the last rows before any shuffling, so data sorted by class keeps its last classes out of training. The repair shuffles the rows with seed 0.",
        [TrainLonger] = "Train for more epochs (fit(epochs=...)), or until the validation loss stops improving (EarlyStopping with restore_best_weights). The repair doubles the epochs, twice at most.",
        [EarlyStopping] = "Stop when the validation loss stops improving and keep the best epoch's weights: callbacks=[EarlyStopping(monitor=\"val_loss\", patience=10, restore_best_weights=True)] in fit.",
        [AddDropout] = "Regularize with dropout: a Dropout(0.5) layer after each hidden Dense layer (Srivastava et al. 2014), so that no unit can rely on others to memorize the training set.",
        [StandardizeTargets] = "Standardize regression targets: fit on (y - mean) / std and undo it on the predictions, or end the model with Rescaling(scale=std, offset=mean) so that its layers learn standardized values while predictions and the loss keep the targets' units; with SGD the rate is then divided by std² under MSE (std under MAE), the factor the loss's gradient keeps. The repair does the latter.",
        [RemoveBlockingOp] = "Remove the non-differentiable operation from the path between the loss and the weights, or replace it by a smooth one; make frozen layers trainable again (trainable: true).",
    };

    public static Fix Make(string code) =>
        new(code, descriptions.TryGetValue(code, out var text) ? text
            : throw new ArgumentException($"Unknown fix code '{code}'. Valid: {string.Join(", ", descriptions.Keys)}."));

    public static IReadOnlyList<string> All => [.. descriptions.Keys];
}
