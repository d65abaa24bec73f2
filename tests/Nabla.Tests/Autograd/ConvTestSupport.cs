using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Kernels;

namespace Nabla.Tests.Autograd;

/// <summary>Builds convolution and pooling ops for tests, and the naive loops their values are checked against.</summary>
internal static class ConvTestSupport
{
    public static ConvGeometry Geometry(int h, int w, int c, (int, int) kernel, (int, int)? strides = null,
        (int, int)? dilation = null, ConvPadding padding = ConvPadding.Valid) =>
        ConvGeometry.Create("test", h, w, c, kernel, strides ?? (1, 1), dilation ?? (1, 1), padding);

    public static ConvPadding Padding(string name) => Enum.Parse<ConvPadding>(name, ignoreCase: true);

    public static Tensor Conv(Tensor x, Tensor kernel, Tensor? bias, ConvGeometry g, string activation = "linear") =>
        Op.Record(new ConvOp(x, kernel, bias, g, Nabla.Activations.Activation.Get(activation)));

    /// <summary>The convolution as a direct sum in double, over explicit paddings (x [n, h, w, c], kernel [kh, kw, c, f]).</summary>
    public static float[] NaiveConv(float[] x, int batch, ConvGeometry g, float[] kernel, int filters, float[]? bias)
    {
        var y = new float[batch * g.OutHeight * g.OutWidth * filters];
        for (int n = 0; n < batch; n++)
            for (int oy = 0; oy < g.OutHeight; oy++)
                for (int ox = 0; ox < g.OutWidth; ox++)
                    for (int f = 0; f < filters; f++)
                    {
                        double sum = bias?[f] ?? 0;
                        for (int ky = 0; ky < g.KernelHeight; ky++)
                            for (int kx = 0; kx < g.KernelWidth; kx++)
                            {
                                int iy = oy * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                                int ix = ox * g.StrideWidth - g.PadLeft + kx * g.DilationWidth;
                                if (iy < 0 || iy >= g.InHeight || ix < 0 || ix >= g.InWidth) continue;
                                for (int c = 0; c < g.Channels; c++)
                                    sum += (double)x[((n * g.InHeight + iy) * g.InWidth + ix) * g.Channels + c]
                                        * kernel[((ky * g.KernelWidth + kx) * g.Channels + c) * filters + f];
                            }
                        y[((n * g.OutHeight + oy) * g.OutWidth + ox) * filters + f] = (float)sum;
                    }
        return y;
    }
}
