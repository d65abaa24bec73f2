using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>DepthwiseConv1D and SeparableConv1D against direct sums written here in double (TensorFlow's "same": the
/// odd padding cell at the end), and their gradients (input, kernels, bias) against finite differences.</summary>
public class Conv1DVariantsValueTests
{
    public static TheoryData<int, int, int, int, int, int, string> Cases => new()
    {
        // steps, channels, multiplier, k, stride, dilation, padding
        { 7, 3, 1, 3, 1, 1, "valid" },
        { 6, 2, 1, 4, 1, 1, "same" }, // total padding 3: one before, two after
        { 9, 2, 1, 3, 2, 1, "valid" }, // strides 2
        { 8, 3, 1, 3, 2, 1, "same" }, // strides 2, same: total padding 1, all of it after
        { 9, 2, 1, 3, 1, 2, "valid" }, // dilation 2: a window of 5
        { 7, 2, 1, 2, 1, 2, "same" }, // dilation 2, same
        { 6, 3, 2, 3, 1, 1, "valid" }, // depth_multiplier 2
        { 7, 2, 2, 3, 2, 1, "same" }, // depth_multiplier 2, strides 2, same
    };

    /// <summary>TensorFlow's padding before the first step and the output length.</summary>
    private static (int PadBefore, int Out) Window(int steps, int k, int stride, int dilation, string padding)
    {
        int span = (k - 1) * dilation + 1;
        if (padding == "valid") return (0, (steps - span) / stride + 1);
        int output = (steps + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + span - steps, 0);
        return (total / 2, output);
    }

    /// <summary>y[n, t, c·m + j] = b[c·m + j] + Σ_i x[n, t·stride − pad + i·dilation, c] · kernel[i, c, j].</summary>
    internal static double[] DirectDepthwise(Tensor x, Tensor kernel, Tensor? bias, int stride, int dilation, string padding)
    {
        int batch = x.Shape[0], steps = x.Shape[1], channels = x.Shape[2], k = kernel.Shape[0], m = kernel.Shape[2];
        var (pad, outSteps) = Window(steps, k, stride, dilation, padding);
        var y = new double[batch * outSteps * channels * m];
        for (int n = 0; n < batch; n++)
            for (int t = 0; t < outSteps; t++)
                for (int c = 0; c < channels; c++)
                    for (int j = 0; j < m; j++)
                    {
                        double sum = bias?.Data[c * m + j] ?? 0;
                        for (int i = 0; i < k; i++)
                        {
                            int s = t * stride - pad + i * dilation;
                            if (s >= 0 && s < steps) sum += (double)x.Data[(n * steps + s) * channels + c] * kernel.Data[(i * channels + c) * m + j];
                        }
                        y[((n * outSteps + t) * channels + c) * m + j] = sum;
                    }
        return y;
    }

    private static void AssertClose(double[] expected, Tensor actual)
    {
        Assert.Equal(expected.Length, actual.Size);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual.Data[i]) < 1e-5, $"[{i}] {expected[i]} vs {actual.Data[i]}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DepthwiseConv1DIsTheDirectSum(int steps, int channels, int multiplier, int k, int stride, int dilation, string padding)
    {
        var layer = new DepthwiseConv1D(k, stride, padding, multiplier, dilationRate: dilation, biasInitializer: "random_normal");
        layer.Build([steps, channels]);
        var x = GradientCheck.Random(3, -1, 1, 2, steps, channels);
        var y = layer.Call(x, training: false);
        Assert.Equal([2, Window(steps, k, stride, dilation, padding).Out, channels * multiplier], y.Shape);
        AssertClose(DirectDepthwise(x, layer.DepthwiseKernel, layer.Bias, stride, dilation, padding), y);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SeparableConv1DIsTheDirectSumThenAMixOfChannels(int steps, int channels, int multiplier, int k, int stride, int dilation,
        string padding)
    {
        const int filters = 3;
        var layer = new SeparableConv1D(filters, k, stride, padding, multiplier, dilation, activation: "tanh", biasInitializer: "random_normal");
        layer.Build([steps, channels]);
        var x = GradientCheck.Random(4, -1, 1, 2, steps, channels);
        var y = layer.Call(x, training: false);
        var depthwise = DirectDepthwise(x, layer.DepthwiseKernel, null, stride, dilation, padding);
        int mixed = channels * multiplier, positions = depthwise.Length / mixed;
        var expected = new double[positions * filters];
        for (int p = 0; p < positions; p++)
            for (int f = 0; f < filters; f++)
            {
                double sum = layer.Bias!.Data[f];
                for (int c = 0; c < mixed; c++) sum += depthwise[p * mixed + c] * layer.PointwiseKernel.Data[c * filters + f];
                expected[p * filters + f] = Math.Tanh(sum);
            }
        Assert.Equal(filters, y.Shape[^1]);
        AssertClose(expected, y);
    }

    [Theory]
    [InlineData(1, 1, "valid", 2)]
    [InlineData(2, 1, "same", 1)]
    [InlineData(1, 2, "same", 2)]
    public void DepthwiseConv1DMatchesFiniteDifferences(int stride, int dilation, string padding, int multiplier)
    {
        var layer = new DepthwiseConv1D(3, stride, padding, multiplier, dilationRate: dilation, activation: "tanh", biasInitializer: "ones");
        layer.Build([7, 2]);
        GradientCheck.Check(t => layer.Call(t[0], training: true),
            [GradientCheck.Random(5, -1, 1, 2, 7, 2), layer.DepthwiseKernel, layer.Bias!]);
    }

    [Theory]
    [InlineData(1, 1, "valid", 2)]
    [InlineData(2, 1, "same", 1)]
    [InlineData(1, 2, "same", 2)]
    public void SeparableConv1DMatchesFiniteDifferences(int stride, int dilation, string padding, int multiplier)
    {
        var layer = new SeparableConv1D(3, 3, stride, padding, multiplier, dilation, activation: "tanh", biasInitializer: "ones");
        layer.Build([7, 2]);
        GradientCheck.Check(t => layer.Call(t[0], training: true),
            [GradientCheck.Random(6, -1, 1, 2, 7, 2), layer.DepthwiseKernel, layer.PointwiseKernel, layer.Bias!]);
    }

    [Fact]
    public void TheyAreTheTwoDimensionalLayersOnARowOfHeightOne()
    {
        // Same kernels, same numbers: a sequence [batch, steps, c] is an image [batch, 1, steps, c].
        var one = new SeparableConv1D(4, 3, 2, "same", 2, activation: "relu", biasInitializer: "random_normal");
        one.Build([9, 3]);
        var two = new SeparableConv2D(4, (1, 3), (1, 2), "same", 2, activation: "relu");
        two.Build([1, 9, 3]);
        one.DepthwiseKernel.Data.CopyTo(two.DepthwiseKernel.Data, 0);
        one.PointwiseKernel.Data.CopyTo(two.PointwiseKernel.Data, 0);
        one.Bias!.Data.CopyTo(two.Bias!.Data, 0);
        var x = GradientCheck.Random(7, -1, 1, 2, 9, 3);
        Assert.Equal(two.Call(Tensor.FromArray(x.Data, 2, 1, 9, 3), false).Data, one.Call(x, false).Data);
    }
}
