using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>GlobalAveragePooling3D</c>: the mean over every position of channels_last inputs
/// [batch, depth, height, width, channels], one value per channel.</summary>
public sealed class GlobalAveragePooling3D(bool keepdims = false, string? dataFormat = null, int[]? inputShape = null, string? name = null)
    : BaseGlobalPooling(3, false, keepdims, dataFormat, inputShape, name)
{
    public override string ClassName => "GlobalAveragePooling3D";

    public static GlobalAveragePooling3D FromConfig(Config config)
    {
        var a = ReadArgs(config);
        return new GlobalAveragePooling3D(a.Keepdims, a.DataFormat, a.InputShape, a.Name) { Trainable = config.GetBool("trainable", true) };
    }
}
