using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>GlobalAveragePooling2D</c>: the mean over every position of channels_last inputs [batch, height, width, channels],
/// one value per channel.</summary>
public sealed class GlobalAveragePooling2D(bool keepdims = false, string? dataFormat = null, int[]? inputShape = null, string? name = null)
    : BaseGlobalPooling(2, false, keepdims, dataFormat, inputShape, name)
{
    public override string ClassName => "GlobalAveragePooling2D";

    public static GlobalAveragePooling2D FromConfig(Config config)
    {
        var a = ReadArgs(config);
        return new GlobalAveragePooling2D(a.Keepdims, a.DataFormat, a.InputShape, a.Name) { Trainable = config.GetBool("trainable", true) };
    }
}
