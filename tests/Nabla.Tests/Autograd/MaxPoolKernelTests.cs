using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Kernels;
using static Nabla.Tests.Autograd.ConvTestSupport;

namespace Nabla.Tests.Autograd;

/// <summary>Max pooling's vectorized, multi-threaded kernel against the plain window-by-window rule.</summary>
/// <remarks>Changes <c>KernelSettings.MaxThreads</c>, so it runs with the process-wide settings' tests.</remarks>
[Collection(nameof(Nabla.Tests.Kernels.KernelSettingsTests))]
public class MaxPoolKernelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void VectorizedMaxPoolingMatchesAWindowByWindowScan(int threads)
    {
        // 37 channels: whole vectors and a scalar tail; 16 samples of 12×12×37 pool on several threads; values on a
        // coarse grid tie often, and some are NaN. Every output and its winner must be the scalar rule's.
        var rng = new RandomGenerator(5);
        int batch = 16, h = 12, w = 12, c = 37;
        var data = new float[batch * h * w * c];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextInt(50) == 0 ? float.NaN : rng.NextInt(7) - 3;
        var g = Geometry(h, w, c, (3, 3), (2, 2), padding: ConvPadding.Same);
        int saved = KernelSettings.MaxThreads;
        KernelSettings.MaxThreads = threads;
        try
        {
            var x = Tensor.FromArray(data, batch, h, w, c).RequireGrad();
            var y = Op.Record(new MaxPoolOp(x, g));
            var upstream = new float[y.Size];
            for (int i = 0; i < upstream.Length; i++) upstream[i] = i % 11 + 1;
            new Graph(Tensor.Sum(Tensor.Multiply(y, Tensor.FromArray(upstream, y.Shape)))).Backward();
            var expectedGrad = new float[data.Length];
            for (int n = 0, o = 0; n < batch; n++)
                for (int oy = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++)
                        for (int ch = 0; ch < c; ch++, o++)
                        {
                            int best = -1;
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 3; kx++)
                                {
                                    int iy = oy * 2 - g.PadTop + ky, ix = ox * 2 - g.PadLeft + kx;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    int cell = ((n * h + iy) * w + ix) * c + ch;
                                    if (best < 0 || data[cell] > data[best] || (float.IsNaN(data[cell]) && !float.IsNaN(data[best]))) best = cell;
                                }
                            Assert.Equal(data[best], y.Data[o]);
                            expectedGrad[best] += upstream[o];
                        }
            Assert.Equal(expectedGrad, x.Grad!.Data);
        }
        finally
        {
            KernelSettings.MaxThreads = saved;
        }
    }
}
