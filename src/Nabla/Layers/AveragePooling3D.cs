using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>AveragePooling3D</c> on channels_last volumes [batch, depth, height, width, channels]: each output is the
/// mean of its window (with "same" padding, of the cells inside the input, as Keras). <c>poolSize</c> and <c>strides</c> take an int or a (depth, height, width)
/// tuple; strides default to the pool size.</summary>
public sealed class AveragePooling3D : BasePooling
{
    /// <param name="poolSize">Keras's default (2, 2, 2).</param>
    /// <param name="padding">"valid" (Keras's default) or "same".</param>
    /// <param name="dataFormat">"channels_last", "channels_first", or null (Keras's None) for <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/> as the layer is built.</param>
    public AveragePooling3D(Size3D? poolSize = null, Size3D? strides = null, string padding = "valid", string? dataFormat = null,
        int[]? inputShape = null, string? name = null)
        : base(3, false, poolSize ?? 2, strides, padding, dataFormat, inputShape, name)
    {
    }

    public override string ClassName => "AveragePooling3D";

    public Size3D PoolSize => Window;

    public Size3D Strides => StrideSize;

    public static AveragePooling3D FromConfig(Config config)
    {
        var a = ReadArgs(config, 3, "AveragePooling3D");
        return new AveragePooling3D(a.Pool, a.Strides, a.Padding, a.DataFormat, a.InputShape, a.Name) { Trainable = config.GetBool("trainable", true) };
    }
}
