using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>AveragePooling1D</c> on channels_last sequences [batch, steps, channels]: each output is the mean of its window (with "same" padding, of the cells inside the input, as Keras).
/// Strides default to the pool size.</summary>
public sealed class AveragePooling1D : BasePooling
{
    /// <param name="padding">"valid" (Keras's default) or "same".</param>
    /// <param name="dataFormat">"channels_last", "channels_first", or null (Keras's None) for <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/> as the layer is built.</param>
    public AveragePooling1D(int poolSize = 2, int? strides = null, string padding = "valid", string? dataFormat = null,
        int[]? inputShape = null, string? name = null)
        : base(1, false, new Size3D(1, 1, poolSize), strides is int s ? new Size3D(1, 1, s) : null, padding, dataFormat, inputShape, name)
    {
    }

    public override string ClassName => "AveragePooling1D";

    public int PoolSize => Window.Width;

    public int Strides => StrideSize.Width;

    public static AveragePooling1D FromConfig(Config config)
    {
        var a = ReadArgs(config, 1, "AveragePooling1D");
        return new AveragePooling1D(a.Pool.Width, a.Strides?.Width, a.Padding, a.DataFormat, a.InputShape, a.Name) { Trainable = config.GetBool("trainable", true) };
    }
}
