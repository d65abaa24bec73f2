using Nabla.Losses;

namespace Nabla.Doctor;

/// <summary>
/// A classifier whose every prediction sits at the cross-entropy's clip. Keras clips probabilities to [ε, 1 − ε]
/// (ε = 1e-7, keras.config.epsilon()) before the log, so a wrong prediction at the clip costs −ln ε = 16.12 and a right
/// one almost nothing: the loss is then the error rate times −ln ε, and the clip passes back no gradient. Read from the
/// final epoch's loss and accuracy, for a single output with a probability cross-entropy (no label smoothing, not from
/// logits). Null otherwise, or when the loss is not within <see cref="DoctorThresholds.ClippedOutputLossTolerance"/> of
/// that product, when almost every sample is right (a finished fit at the clip is not a stuck one), for a one-unit
/// softmax, which is constant, for an output that is not a softmax or sigmoid, and for the activation whose logits the
/// loss reads (<see cref="Losses.Loss.LogitsActivation"/>): the clip applies only to another one (a sigmoid under
/// categorical crossentropy, a softmax under binary crossentropy).
/// </summary>
/// <param name="Loss">The final epoch's loss per row (a summed loss divided by the rows it adds up).</param>
internal sealed record PinnedOutput(OutputLayer Output, double Loss, double Accuracy)
{
    public static readonly double ClippedLoss = -Math.Log(Losses.Loss.Epsilon);

    public double ErrorRate => 1 - Accuracy;

    public double PinnedLoss => ErrorRate * ClippedLoss;

    public static PinnedOutput? Of(ModelQuantities model, LossCurve curve, DoctorThresholds t)
    {
        if (model.Output is not { } output || model.Outputs.Count > 1) return null;
        if (model.Loss is not { IsCrossEntropy: true, ExpectsProbabilities: true } loss || loss is SmoothedCrossentropy { LabelSmoothing: > 0 }
            || loss is FocalCrossentropy)
            return null;
        if (curve.FinalAccuracy is not double accuracy || !double.IsFinite(curve.FinalLoss)) return null;
        // A softmax over one unit outputs 1 whatever its input: its loss has the same form, but the zero gradient is the
        // softmax's (a missing gradient), not the clip's.
        if (output is { Units: 1, Activation: "softmax" }) return null;
        // Outputs that are not probabilities (a linear or ReLU output under cross-entropy) reach the clip by being out
        // of range: that is loss_output_mismatch's finding.
        if (!output.Probabilities) return null;
        // A crossentropy reads the logits behind its own activation (softmax for the categorical ones, sigmoid for the
        // binary one), as Keras's TensorFlow backend does: no clip there, and the gradient p − t never vanishes.
        if (loss.LogitsActivation == output.Activation) return null;
        // A summed loss adds up the rows of a batch: per row it is the mean the clip's arithmetic is about.
        var pinned = new PinnedOutput(output, curve.FinalLoss / model.LossRowsSummed, accuracy);
        if (pinned.ErrorRate < t.ClippedOutputMinErrorRate) return null;
        return Math.Abs(pinned.Loss - pinned.PinnedLoss) <= t.ClippedOutputLossTolerance * pinned.PinnedLoss ? pinned : null;
    }
}
