using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>MaxPooling2D</c> on channels_last images [batch, height, width, channels]: each output is the largest value in its window (padding never wins).
/// <c>poolSize</c> and <c>strides</c> take an int or a (height, width) tuple; strides default to the pool size.</summary>
public sealed class MaxPooling2D : BasePooling
{
    /// <param name="padding">"valid" (Keras's default) or "same".</param>
    /// <param name="dataFormat">"channels_last", "channels_first", or null (Keras's None) for <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/> as the layer is built.</param>
    public MaxPooling2D(Size2D? poolSize = null, Size2D? strides = null, string padding = "valid", string? dataFormat = null,
        int[]? inputShape = null, string? name = null)
        : base(2, true, Size3D.Flat(poolSize ?? 2), strides is Size2D s ? Size3D.Flat(s) : null, padding, dataFormat, inputShape, name)
    {
    }

    public override string ClassName => "MaxPooling2D";

    public Size2D PoolSize => Window.Plane;

    public Size2D Strides => StrideSize.Plane;

    public static MaxPooling2D FromConfig(Config config)
    {
        var a = ReadArgs(config, 2, "MaxPooling2D");
        return new MaxPooling2D(a.Pool.Plane, a.Strides?.Plane, a.Padding, a.DataFormat, a.InputShape, a.Name) { Trainable = config.GetBool("trainable", true) };
    }
}
