using Nabla.Autograd;
using Nabla.Configuration;

namespace Nabla.Losses;

/// <summary>
/// A Keras loss: <see cref="Call"/> records a <see cref="LossOp"/> whose scalar output is the loss of a batch.
/// Reductions are Keras's: each sample's loss is the mean over the last axis (crossentropies and KL sum
/// over it), and the batch loss is the mean of the sample losses ("sum_over_batch_size", the default) or
/// their sum ("sum").
/// </summary>
public abstract partial class Loss : IKerasSerializable
{
    public const string SumOverBatchSize = "sum_over_batch_size";
    public const string Sum = "sum";

    /// <summary>Keras's <c>backend.epsilon()</c>, the clip used by crossentropies, MAPE, MSLE and KL.</summary>
    public const float Epsilon = 1e-7f;

    protected Loss(string name, string reduction)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Reduction = ValidateReduction(reduction);
    }

    /// <summary>The Keras loss name, e.g. "mean_squared_error" (the instance name Keras gives by default).</summary>
    public string Name { get; }

    /// <summary>"sum_over_batch_size" (the mean over samples) or "sum".</summary>
    public string Reduction { get; }

    public abstract string ClassName { get; }

    /// <summary>Whether the loss reads yPred as probabilities (crossentropies without from_logits, KL),
    /// so a model ending without softmax/sigmoid is a mistake.</summary>
    public virtual bool ExpectsProbabilities => false;

    public virtual bool IsCrossEntropy => false;

    /// <summary>The activation (a Keras identifier) whose logits this loss reads when the predictions come straight from
    /// it, as Keras's TensorFlow backend does (<see cref="LossOp.LogitsBehind"/>): "softmax" for the categorical
    /// crossentropies, "sigmoid" for the binary one, none for other losses. Under from_logits too: the predictions are
    /// then not logits, and Keras reads the ones behind them with a warning ("Was this intended?"), as Nabla does.</summary>
    public virtual string? LogitsActivation => null;

    // Whether this loss has printed that it reads the logits behind predictions it was told were logits.
    private bool warnedOfSquashedLogits;

    /// <summary>True for sparse losses: targets are class indices of shape (batch,) or (batch, 1).</summary>
    public virtual bool ExpectsIntegerLabels => false;

    /// <summary>The batch loss as a scalar tensor; gradients flow to <paramref name="yPred"/> only. With
    /// <paramref name="sampleWeight"/> (one weight per sample, as Keras's <c>loss(y_true, y_pred, sample_weight)</c>)
    /// each sample's loss is weighted, and "sum_over_batch_size" divides the weighted sum by the number of samples.
    /// A timestep mask on <paramref name="yPred"/> (<see cref="Tensor.KerasMask"/>) leaves the masked steps out, and
    /// "sum_over_batch_size" then divides by the number of unmasked ones.</summary>
    public Tensor Call(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        ValidateInputs(yTrue, yPred);
        var op = CreateOp(yTrue, yPred);
        if (sampleWeight is not null)
        {
            // One weight per per-sample loss, or one per sample of the batch that weighs all its positions (the steps of a
            // sequence output; Keras would need [batch, steps] weights there).
            int batch = yPred.Rank == 0 ? 1 : yPred.Shape[0];
            if (sampleWeight.Rank != 1 || (sampleWeight.Size != op.SampleCount && sampleWeight.Size != batch))
                throw new ArgumentException(
                    $"{Name}: sampleWeight must have shape [{batch}] (one weight per sample){(op.SampleCount != batch ? $" or [{op.SampleCount}] (one per step)" : "")}; " +
                    $"found {Tensor.ShapeString(sampleWeight.Shape)}.", nameof(sampleWeight));
            op.SetSampleWeights(sampleWeight);
        }
        // As Keras's Loss.__call__, a mask carried by the predictions weighs the per-sample losses.
        if (yPred.KerasMask is { } mask) op.SetMask(mask);
        if (op.ReadsLogits && IsCrossEntropy && !ExpectsProbabilities && !warnedOfSquashedLogits)
        {
            warnedOfSquashedLogits = true;
            Console.Error.WriteLine(
                $"Nabla: loss '{Name}' is set to read logits (from_logits), but its predictions come from a {LogitsActivation}: it reads " +
                $"the logits behind the {LogitsActivation} instead, as Keras's TensorFlow backend does (its JAX and PyTorch backends " +
                $"would apply the {LogitsActivation} twice). Was this intended?");
        }
        return Op.Record(op);
    }

    /// <summary>Throws, naming both shapes, when the targets cannot go with the predictions.</summary>
    protected virtual void ValidateInputs(Tensor yTrue, Tensor yPred) => ElementwiseWidth(yTrue, yPred);

    protected abstract LossOp CreateOp(Tensor yTrue, Tensor yPred);

    public virtual Config GetConfig() => new() { ["name"] = Name, ["reduction"] = Reduction };

    public override string ToString() => Name;

    /// <summary>
    /// The number of values averaged per sample for a loss applied element by element, after Keras's
    /// <c>squeeze_or_expand_to_same_rank</c>: shapes must be equal or differ by one trailing axis of size 1
    /// ([B] targets go with [B, 1] predictions, and then each sample has one value).
    /// </summary>
    protected int ElementwiseWidth(Tensor yTrue, Tensor yPred)
    {
        int[] t = yTrue.Shape, p = yPred.Shape;
        if (p.Length == 0)
            throw new ArgumentException($"{Name}: yPred must have at least one axis; got shape {Tensor.ShapeString(p)}.", nameof(yPred));
        if (Tensor.SameShape(t, p)) return p[^1];
        int[] shorter = t.Length < p.Length ? t : p, longer = t.Length < p.Length ? p : t;
        bool trailingOne = longer.Length == shorter.Length + 1 && longer[^1] == 1 && longer.AsSpan(0, shorter.Length).SequenceEqual(shorter);
        if (!trailingOne)
            throw new ArgumentException(
                $"{Name}: yTrue shape {Tensor.ShapeString(t)} does not match yPred shape {Tensor.ShapeString(p)} " +
                "(they must be equal or differ by a trailing axis of size 1).");
        // Keras expands a rank-1 side to [B, 1]; otherwise it squeezes the trailing 1.
        return shorter.Length == 1 ? 1 : shorter[^1];
    }

    /// <summary>Throws unless the shapes are identical (crossentropy over classes).</summary>
    protected void RequireSameShape(Tensor yTrue, Tensor yPred)
    {
        if (yPred.Rank == 0 || !Tensor.SameShape(yTrue.Shape, yPred.Shape))
            throw new ArgumentException(
                $"{Name}: yTrue shape {Tensor.ShapeString(yTrue.Shape)} must equal yPred shape " +
                $"{Tensor.ShapeString(yPred.Shape)} (one value per class, at least one axis).");
    }

    private static string ValidateReduction(string reduction) => reduction switch
    {
        SumOverBatchSize or Sum => reduction,
        _ => throw new ArgumentException(
            $"Loss reduction must be \"{SumOverBatchSize}\" or \"{Sum}\"; got {Config.Describe(reduction)} " +
            "(\"none\" is not supported: a loss here is one scalar).", nameof(reduction)),
    };

    /// <summary>Reads the keys every Keras loss writes. Keras 2's "auto" meant sum_over_batch_size in fit.</summary>
    protected static (string Name, string Reduction) ReadBase(Config config, string defaultName)
    {
        string? dtype = config.GetString("dtype", null);
        if (dtype is not null and not "float32")
            throw new ArgumentException($"Loss config key 'dtype' must be \"float32\" or null; got \"{dtype}\".");
        // Keras's None reduction is "none" (per-sample losses), which Nabla does not implement.
        config.RefuseNull(defaultName, "reduction");
        string reduction = config.GetString("reduction", SumOverBatchSize)!;
        if (reduction == "auto") reduction = SumOverBatchSize;
        return (config.GetString("name", defaultName)!, reduction);
    }

    /// <summary>Nabla reduces over the last axis only: Keras's "axis" key must be -1 when present.</summary>
    protected internal static void RequireLastAxis(Config config, string lossName)
    {
        // Keras's None axis reduces over every axis, the batch's included.
        config.RefuseNull(lossName, "axis");
        int axis = config.GetInt("axis", -1);
        if (axis != -1)
            throw new ArgumentException($"{lossName}: only axis -1 is supported; config has axis {axis}.");
    }
}
