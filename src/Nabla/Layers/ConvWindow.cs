using Nabla.Configuration;
using Nabla.Kernels;

namespace Nabla.Layers;

/// <summary>
/// The sliding window every convolution layer takes (Conv1D/2D/3D, DepthwiseConv2D, SeparableConv2D, Conv1D/2D/3DTranspose):
/// kernel size, strides, dilation and padding, checked once as Keras checks them and read from a config in any of the
/// forms Keras writes (2-D sizes are held with depth 1, 1-D sizes as 1 × 1 × k).
/// </summary>
internal readonly record struct ConvWindow(Size3D KernelSize, Size3D Strides, Size3D DilationRate, ConvPadding Padding)
{
    /// <summary>Checks a 1-D or 2-D window's sizes and padding for the layer <paramref name="what"/> names.</summary>
    public static ConvWindow Check(string what, Size2D kernelSize, Size2D strides, Size2D dilationRate, string padding, bool allowCausal) =>
        Check(what, Size3D.Flat(kernelSize), Size3D.Flat(strides), Size3D.Flat(dilationRate), padding, allowCausal);

    /// <summary>Checks the window's sizes and padding for the layer <paramref name="what"/> names.</summary>
    public static ConvWindow Check(string what, Size3D kernelSize, Size3D strides, Size3D dilationRate, string padding, bool allowCausal)
    {
        var window = new ConvWindow(kernelSize.CheckPositive(what, "kernel_size"), strides.CheckPositive(what, "strides"),
            dilationRate.CheckPositive(what, "dilation_rate"), ConvOptions.ParsePadding(what, padding, allowCausal));
        // Keras: "strides > 1 not supported in conjunction with dilation_rate > 1".
        if (strides.AboveOne && dilationRate.AboveOne)
            throw new ArgumentException(
                $"{what}: strides {strides.Describe()} and dilation_rate {dilationRate.Describe()} cannot both exceed 1 (as in Keras).");
        return window;
    }

    /// <summary>kernel_size (required), strides, padding and dilation_rate of a config, each an int or a list of
    /// <paramref name="rank"/> ints, with Keras's defaults 1, "valid" and 1.</summary>
    public static (Size3D KernelSize, Size3D Strides, string Padding, Size3D DilationRate) Read(Config config, int rank, string what)
    {
        config.RefuseNull(what, "strides", "padding", "dilation_rate");
        int[] ones = Enumerable.Repeat(1, rank).ToArray();
        int[] kernelSize = ConvOptions.ReadSize(config, "kernel_size", rank, what)
            ?? throw new ArgumentException($"{what}: config is missing the required key 'kernel_size'.");
        return (Size3D.FromLast(kernelSize), Size3D.FromLast(ConvOptions.ReadSize(config, "strides", rank, what, ones)!),
            config.GetString("padding", "valid")!, Size3D.FromLast(ConvOptions.ReadSize(config, "dilation_rate", rank, what, ones)!));
    }

    /// <summary>"valid", "same" or "causal".</summary>
    public string PaddingName => ConvOptions.PaddingName(Padding);

    /// <summary>Writes kernel_size, strides, padding, data_format and dilation_rate in Keras's order, as lists of
    /// <paramref name="rank"/> ints.</summary>
    public void WriteConfig(Config config, int rank, ImageLayout layout)
    {
        config["kernel_size"] = ConvOptions.ToList(KernelSize.Last(rank));
        config["strides"] = ConvOptions.ToList(Strides.Last(rank));
        config["padding"] = PaddingName;
        config["data_format"] = layout.Name;
        config["dilation_rate"] = ConvOptions.ToList(DilationRate.Last(rank));
    }
}
