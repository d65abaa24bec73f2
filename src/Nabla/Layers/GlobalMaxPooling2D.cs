using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>GlobalMaxPooling2D</c>: the maximum over every position of channels_last inputs [batch, height, width, channels],
/// one value per channel.</summary>
public sealed class GlobalMaxPooling2D(bool keepdims = false, string? dataFormat = null, int[]? inputShape = null, string? name = null)
    : BaseGlobalPooling(2, true, keepdims, dataFormat, inputShape, name)
{
    public override string ClassName => "GlobalMaxPooling2D";

    public static GlobalMaxPooling2D FromConfig(Config config)
    {
        var a = ReadArgs(config);
        return new GlobalMaxPooling2D(a.Keepdims, a.DataFormat, a.InputShape, a.Name) { Trainable = config.GetBool("trainable", true) };
    }
}
