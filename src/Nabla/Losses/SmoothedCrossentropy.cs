using Nabla.Configuration;

namespace Nabla.Losses;

/// <summary>
/// What binary and categorical crossentropy share: <c>from_logits</c>, <c>label_smoothing</c> (in [0, 1]),
/// the last axis, and their config keys.
/// </summary>
public abstract class SmoothedCrossentropy : Loss
{
    private protected SmoothedCrossentropy(bool fromLogits, double labelSmoothing, string reduction, string name)
        : base(name, reduction)
    {
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing is >= 0 and <= 1
            ? labelSmoothing
            : throw new ArgumentException($"label_smoothing must be in [0, 1]; got {labelSmoothing}.", nameof(labelSmoothing));
    }

    public bool FromLogits { get; }

    public double LabelSmoothing { get; }

    public override bool ExpectsProbabilities => !FromLogits;

    public override bool IsCrossEntropy => true;

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = FromLogits;
        config["label_smoothing"] = LabelSmoothing;
        config["axis"] = -1L;
        return config;
    }

    /// <summary>Reads name, reduction, from_logits and label_smoothing, refusing an axis other than −1.</summary>
    private protected static (bool fromLogits, double labelSmoothing, string reduction, string name) ReadArguments(
        Config config, string defaultName)
    {
        var (name, reduction) = ReadBase(config, defaultName);
        RequireLastAxis(config, defaultName);
        return (config.GetBool("from_logits", false), config.GetDouble("label_smoothing", 0.0), reduction, name);
    }
}
