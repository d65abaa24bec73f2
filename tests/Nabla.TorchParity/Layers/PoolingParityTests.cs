using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Layers;

/// <summary>
/// Pooling, global pooling and zero padding against torch on channels-first copies. Keras's "same" pooling is
/// written explicitly on the torch side: max pooling over −∞ padding, average pooling as a sum over zero padding
/// divided by the count of input cells each window covers (TensorFlow's avg_pool excludes the padding).
/// </summary>
public class PoolingParityTests
{
    private static (Tensor X, TorchTensor Leaf, TorchTensor Nchw) Input(int seed, params int[] shape)
    {
        var x = TestData.Normal(seed, 1.0, shape).RequireGrad();
        var leaf = Parity.ToTorch(x, requiresGrad: true);
        return (x, leaf, leaf.permute(0, 3, 1, 2));
    }

    private static void Check(string what, Tensor x, Tensor y, TorchTensor leaf, TorchTensor torchNhwc)
    {
        var outputGrad = TestData.Uniform(59, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);
        torchNhwc.backward([Parity.ToTorch(outputGrad)]);
        Parity.Compare($"{what} output", y, torchNhwc);
        Parity.CompareGradient($"{what} dL/dx", x, leaf);
    }

    [Theory]
    [InlineData(2, 2, 2, 2, "valid")]
    [InlineData(3, 3, 2, 2, "valid")]
    [InlineData(2, 2, 2, 2, "same")]
    [InlineData(3, 2, 1, 2, "same")]
    [InlineData(3, 3, 1, 1, "same")]
    public void MaxAndAveragePooling2DMatchTorch(int ph, int pw, int sh, int sw, string padding)
    {
        TorchRuntime.EnsureLoaded();
        const int h = 7, w = 8, c = 3;
        var (top, bottom) = ConvParityTests.TfPads(padding, h, ph, sh, 1);
        var (left, right) = ConvParityTests.TfPads(padding, w, pw, sw, 1);
        long[] pads = [left, right, top, bottom];
        using var scope = torch.NewDisposeScope();

        var (x, leaf, nchw) = Input(51, 2, h, w, c);
        var max = new MaxPooling2D((ph, pw), (sh, sw), padding);
        var tMax = F.max_pool2d(F.pad(nchw, pads, value: double.NegativeInfinity), [ph, pw], [sh, sw]);
        Check($"MaxPooling2D {ph}x{pw} / {sh}x{sw} {padding}", x, max.Call(x, true), leaf, tMax.permute(0, 2, 3, 1));

        (x, leaf, nchw) = Input(52, 2, h, w, c);
        var avg = new AveragePooling2D((ph, pw), (sh, sw), padding);
        double area = ph * pw;
        var sums = F.avg_pool2d(F.pad(nchw, pads), [ph, pw], [sh, sw]) * area;
        var counts = F.avg_pool2d(F.pad(torch.ones(1, 1, h, w), pads), [ph, pw], [sh, sw]) * area;
        Check($"AveragePooling2D {ph}x{pw} / {sh}x{sw} {padding}", x, avg.Call(x, true), leaf, (sums / counts).permute(0, 2, 3, 1));
    }

    [Theory]
    [InlineData("valid")]
    [InlineData("same")]
    public void Pooling1DMatchesTorch(string padding)
    {
        TorchRuntime.EnsureLoaded();
        const int steps = 9, c = 2, pool = 2;
        var (left, right) = ConvParityTests.TfPads(padding, steps, pool, pool, 1);
        using var scope = torch.NewDisposeScope();
        var x = TestData.Normal(61, 1.0, 2, steps, c).RequireGrad();
        var leaf = Parity.ToTorch(x, requiresGrad: true);
        var padded = F.pad(leaf.permute(0, 2, 1), [left, right], value: double.NegativeInfinity);
        Check($"MaxPooling1D {padding}", x, new MaxPooling1D(pool, padding: padding).Call(x, true), leaf,
            F.max_pool1d(padded, pool, pool).permute(0, 2, 1));

        var x2 = TestData.Normal(62, 1.0, 2, steps, c).RequireGrad();
        var leaf2 = Parity.ToTorch(x2, requiresGrad: true);
        var sums = F.avg_pool1d(F.pad(leaf2.permute(0, 2, 1), [left, right]), pool, pool) * pool;
        var counts = F.avg_pool1d(F.pad(torch.ones(1, 1, steps), [left, right]), pool, pool) * pool;
        Check($"AveragePooling1D {padding}", x2, new AveragePooling1D(pool, padding: padding).Call(x2, true), leaf2,
            (sums / counts).permute(0, 2, 1));
    }

    [Fact]
    public void GlobalPoolingAndZeroPaddingMatchTorch()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var (x, leaf, _) = Input(71, 2, 4, 5, 3);
        Check("GlobalAveragePooling2D", x, new GlobalAveragePooling2D().Call(x, true), leaf, leaf.mean([1, 2]));
        (x, leaf, _) = Input(72, 2, 4, 5, 3);
        Check("GlobalMaxPooling2D", x, new GlobalMaxPooling2D().Call(x, true), leaf, leaf.amax([1, 2]));
        (x, leaf, var nchw) = Input(73, 2, 4, 5, 3);
        Check("ZeroPadding2D", x, new ZeroPadding2D(((1, 2), (0, 3))).Call(x, true), leaf,
            F.pad(nchw, [0, 3, 1, 2]).permute(0, 2, 3, 1));
    }
}
