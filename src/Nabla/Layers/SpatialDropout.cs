using Nabla.Autograd;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's spatial dropout (<c>BaseSpatialDropout</c>): dropout that drops whole channels of a sample, one
/// decision per sample and channel, for inputs whose neighbouring steps or pixels are so alike that dropping single
/// values would not regularize (Tompson et al., 2014).</summary>
public abstract class SpatialDropout : TrainingNoiseLayer
{
    private protected SpatialDropout(int spatialAxes, double rate, int? seed, string? dataFormat, int[]? inputShape, string? name)
        : base(seed, inputShape, name)
    {
        SpatialAxes = spatialAxes;
        Rate = Dropout.CheckRate(rate, ClassName);
        layout = ImageLayout.Parse($"{ClassName} '{Name}'", dataFormat);
    }

    /// <summary>1 for sequences, 2 for images, 3 for volumes.</summary>
    public int SpatialAxes { get; }

    public double Rate { get; }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first"; built without one, the
    /// <see cref="KerasConfig.ImageDataFormat"/> of the time (SpatialDropout1D: always channels_last).</summary>
    public string DataFormat => layout.Name;

    private readonly ImageLayout layout;

    protected override bool AddsNoNoise => Rate == 0;

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != SpatialAxes + 1)
            throw new ArgumentException(
                $"{ClassName} '{Name}' needs inputs of rank {SpatialAxes + 2} (batch, {SpatialAxes switch { 1 => "steps", 2 => "rows, columns", _ => "depth, rows, columns" }} and channels), " +
                $"found per-sample shape {Tensor.ShapeString(inputShape)}.");
        return inputShape;
    }

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator)
    {
        var maskShape = new int[inputs.Rank];
        Array.Fill(maskShape, 1);
        maskShape[0] = inputs.Shape[0];
        int channelAxis = layout.ChannelAxis(inputs.Rank - 1) + 1;
        maskShape[channelAxis] = inputs.Shape[channelAxis];
        return new DropoutOp(inputs, (float)Rate, generator, maskShape);
    }

    protected override void WriteSettings(Config config) => config["rate"] = Rate;

    /// <summary>The base keys, and tf.keras 2's and TensorFlow.js's noise_shape, which their SpatialDropout inherits
    /// from Dropout and never uses (its own noise shape replaces it): without effect.</summary>
    private protected static (string? Name, int[]? InputShape) SpatialBaseArgs(Config config)
    {
        config.MarkWithoutEffect("noise_shape");
        return BaseArgs(config);
    }
}

/// <summary>Keras's <c>SpatialDropout1D</c> on [batch, steps, channels]: noise shape (batch, 1, channels).</summary>
public sealed class SpatialDropout1D(double rate, int? seed = null, int[]? inputShape = null, string? name = null)
    : SpatialDropout(1, rate, seed, ImageLayout.LastName, inputShape, name)
{
    public override string ClassName => "SpatialDropout1D";

    public static SpatialDropout1D FromConfig(Config config)
    {
        var (name, inputShape) = SpatialBaseArgs(config);
        return new SpatialDropout1D(config.GetDouble("rate"), ReadSeed(config), inputShape, name);
    }
}

/// <summary>The spatial dropouts of images and volumes, which take Keras's <c>data_format</c>.</summary>
public abstract class ChannelsSpatialDropout(int spatialAxes, double rate, string? dataFormat, int? seed, int[]? inputShape, string? name)
    : SpatialDropout(spatialAxes, rate, seed, dataFormat, inputShape, name)
{
    protected override void WriteSettings(Config config)
    {
        base.WriteSettings(config);
        config["data_format"] = DataFormat;
    }

    /// <summary>rate (required), data_format (absent or null: Keras's None, <see cref="KerasConfig.ImageDataFormat"/>), seed,
    /// name and input shape.</summary>
    private protected static (double Rate, string? DataFormat, int? Seed, int[]? InputShape, string? Name) ReadArgs(Config config)
    {
        var (name, inputShape) = SpatialBaseArgs(config);
        return (config.GetDouble("rate"), config.GetString("data_format", null), ReadSeed(config), inputShape, name);
    }
}

/// <summary>Keras's <c>SpatialDropout2D</c> on images: noise shape (batch, 1, 1, channels), or (batch, channels, 1, 1)
/// channels first.</summary>
public sealed class SpatialDropout2D(double rate, string? dataFormat = null, int? seed = null, int[]? inputShape = null,
    string? name = null) : ChannelsSpatialDropout(2, rate, dataFormat, seed, inputShape, name)
{
    public override string ClassName => "SpatialDropout2D";

    public static SpatialDropout2D FromConfig(Config config)
    {
        var a = ReadArgs(config);
        return new SpatialDropout2D(a.Rate, a.DataFormat, a.Seed, a.InputShape, a.Name);
    }
}

/// <summary>Keras's <c>SpatialDropout3D</c> on volumes: noise shape (batch, 1, 1, 1, channels), or (batch, channels, 1, 1,
/// 1) channels first.</summary>
public sealed class SpatialDropout3D(double rate, string? dataFormat = null, int? seed = null, int[]? inputShape = null,
    string? name = null) : ChannelsSpatialDropout(3, rate, dataFormat, seed, inputShape, name)
{
    public override string ClassName => "SpatialDropout3D";

    public static SpatialDropout3D FromConfig(Config config)
    {
        var a = ReadArgs(config);
        return new SpatialDropout3D(a.Rate, a.DataFormat, a.Seed, a.InputShape, a.Name);
    }
}
