using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>GlobalMaxPooling3D</c>: the maximum over every position of channels_last inputs
/// [batch, depth, height, width, channels], one value per channel.</summary>
public sealed class GlobalMaxPooling3D(bool keepdims = false, string? dataFormat = null, int[]? inputShape = null, string? name = null)
    : BaseGlobalPooling(3, true, keepdims, dataFormat, inputShape, name)
{
    public override string ClassName => "GlobalMaxPooling3D";

    public static GlobalMaxPooling3D FromConfig(Config config)
    {
        var a = ReadArgs(config);
        return new GlobalMaxPooling3D(a.Keepdims, a.DataFormat, a.InputShape, a.Name) { Trainable = config.GetBool("trainable", true) };
    }
}
