using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>GlobalMaxPooling1D</c>: the maximum over every step of channels_last inputs [batch, steps, channels],
/// one value per channel.</summary>
public sealed class GlobalMaxPooling1D(bool keepdims = false, string? dataFormat = null, int[]? inputShape = null, string? name = null)
    : BaseGlobalPooling(1, true, keepdims, dataFormat, inputShape, name)
{
    public override string ClassName => "GlobalMaxPooling1D";

    public static GlobalMaxPooling1D FromConfig(Config config)
    {
        var a = ReadArgs(config);
        return new GlobalMaxPooling1D(a.Keepdims, a.DataFormat, a.InputShape, a.Name) { Trainable = config.GetBool("trainable", true) };
    }
}
