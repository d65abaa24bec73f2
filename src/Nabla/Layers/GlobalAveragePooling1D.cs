using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>GlobalAveragePooling1D</c>: the mean over every step of channels_last inputs [batch, steps, channels],
/// one value per channel.</summary>
public sealed class GlobalAveragePooling1D(bool keepdims = false, string? dataFormat = null, int[]? inputShape = null, string? name = null)
    : BaseGlobalPooling(1, false, keepdims, dataFormat, inputShape, name)
{
    public override string ClassName => "GlobalAveragePooling1D";

    private protected override string? UnsupportedMaskUse => "its average (masked timesteps are excluded)";

    public static GlobalAveragePooling1D FromConfig(Config config)
    {
        var a = ReadArgs(config);
        return new GlobalAveragePooling1D(a.Keepdims, a.DataFormat, a.InputShape, a.Name) { Trainable = config.GetBool("trainable", true) };
    }
}
