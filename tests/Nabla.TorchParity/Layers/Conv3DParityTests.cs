using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace Nabla.TorchParity.Layers;

/// <summary>
/// Conv3D, MaxPooling3D and AveragePooling3D against torch's conv3d, max_pool3d and avg_pool3d on the same weights
/// (Keras kernel [kd, kh, kw, in, out] = torch weight [out, in, kd, kh, kw] permuted): outputs and the gradients of
/// the input, kernel and bias. Nabla's volumes are channels-last [n, d, h, w, c], torch's channels-first; "same"
/// padding is an explicit F.pad with TensorFlow's split (the odd cell after), as in <see cref="ConvParityTests"/>.
/// The convolution's torch side runs in float64, for the reason given there.
/// </summary>
public class Conv3DParityTests
{
    public static TheoryData<int[], int[], int, int, string, string> Conv3DCases => new()
    {
        // [d, h, w, in, out], [kd, kh, kw], stride, dilation, padding, activation
        { [5, 6, 5, 2, 3], [3, 3, 3], 1, 1, "valid", "relu" },
        { [6, 5, 7, 2, 3], [3, 2, 3], 2, 1, "valid", "linear" },
        { [5, 5, 4, 2, 3], [3, 3, 3], 1, 1, "same", "tanh" },
        { [5, 4, 5, 1, 2], [2, 2, 2], 1, 1, "same", "linear" }, // odd total: the extra cell at the end of each axis
        { [6, 5, 7, 2, 2], [3, 3, 3], 2, 1, "same", "sigmoid" },
        { [7, 6, 6, 2, 2], [2, 3, 2], 1, 2, "valid", "elu" },
        { [5, 6, 5, 1, 2], [2, 2, 3], 1, 2, "same", "linear" },
        { [3, 4, 4, 4, 5], [1, 1, 1], 1, 1, "valid", "relu" },
    };

    [Theory]
    [MemberData(nameof(Conv3DCases))]
    public void Conv3DMatchesTorch(int[] sizes, int[] window, int stride, int dilation, string padding, string activation)
    {
        TorchRuntime.EnsureLoaded();
        var (d, h, w, cin, cout) = (sizes[0], sizes[1], sizes[2], sizes[3], sizes[4]);
        var (kd, kh, kw) = (window[0], window[1], window[2]);
        var layer = new Conv3D(cout, (kd, kh, kw), strides: stride, padding: padding, dilationRate: dilation, activation: activation);
        layer.Build([d, h, w, cin]);
        TestData.Assign(layer.Kernel, TestData.Normal(71, 0.5, kd, kh, kw, cin, cout));
        TestData.Assign(layer.Bias!, TestData.Normal(72, 0.5, cout));
        var x = TestData.Normal(73, 1.0, 2, d, h, w, cin).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(74, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ConvParityTests.ChannelsFirstLeaf(x);
        var tw = Parity.Leaf64(WeightLayouts.ConvKernel(layer.Kernel, requiresGrad: false));
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var padded = F.pad(tx, Pads(padding, [d, h, w], window, stride, dilation));
        var z = F.conv3d(padded, tw, tb, strides: [stride, stride, stride], padding: [0, 0, 0], dilation: [dilation, dilation, dilation])
            .permute(0, 2, 3, 4, 1);
        var ty = TorchActivations.ByKerasName[activation](z);
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        string what = $"Conv3D {kd}x{kh}x{kw} stride {stride} dilation {dilation} {padding} {activation}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dkernel", layer.Kernel.Grad!, tw.grad!.permute(2, 3, 4, 1, 0));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 3, 4, 1));
    }

    [Theory]
    [InlineData(2, 2, 2, 2, 2, 2, "valid")]
    [InlineData(3, 3, 2, 2, 2, 2, "valid")]
    [InlineData(2, 2, 2, 2, 2, 2, "same")]
    [InlineData(3, 2, 2, 1, 2, 1, "same")]
    [InlineData(3, 3, 3, 1, 1, 1, "same")]
    public void MaxAndAveragePooling3DMatchTorch(int pd, int ph, int pw, int sd, int sh, int sw, string padding)
    {
        TorchRuntime.EnsureLoaded();
        const int d = 5, h = 7, w = 6, c = 3;
        long[] pads = [.. PadsOf(padding, w, pw, sw), .. PadsOf(padding, h, ph, sh), .. PadsOf(padding, d, pd, sd)];
        long[] pool = [pd, ph, pw], strides = [sd, sh, sw];
        using var scope = torch.NewDisposeScope();

        var x = TestData.Normal(81, 1.0, 2, d, h, w, c).RequireGrad();
        var leaf = Parity.ToTorch(x, requiresGrad: true);
        var tMax = F.max_pool3d(F.pad(leaf.permute(0, 4, 1, 2, 3), pads, value: double.NegativeInfinity), pool, strides);
        Check($"MaxPooling3D {pd}x{ph}x{pw} / {sd}x{sh}x{sw} {padding}", x,
            new MaxPooling3D((pd, ph, pw), (sd, sh, sw), padding).Call(x, true), leaf, tMax.permute(0, 2, 3, 4, 1));

        var x2 = TestData.Normal(82, 1.0, 2, d, h, w, c).RequireGrad();
        var leaf2 = Parity.ToTorch(x2, requiresGrad: true);
        // TensorFlow's avg_pool divides by the input cells a window covers: a sum over zero padding over a count of ones.
        double volume = pd * ph * pw;
        var sums = F.avg_pool3d(F.pad(leaf2.permute(0, 4, 1, 2, 3), pads), pool, strides) * volume;
        var counts = F.avg_pool3d(F.pad(torch.ones([1, 1, d, h, w]), pads), pool, strides) * volume;
        Check($"AveragePooling3D {pd}x{ph}x{pw} / {sd}x{sh}x{sw} {padding}", x2,
            new AveragePooling3D((pd, ph, pw), (sd, sh, sw), padding).Call(x2, true), leaf2, (sums / counts).permute(0, 2, 3, 4, 1));
    }

    private static void Check(string what, Tensor x, Tensor y, torch.Tensor leaf, torch.Tensor torchNdhwc)
    {
        var outputGrad = TestData.Uniform(89, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);
        torchNdhwc.backward([Parity.ToTorch(outputGrad)]);
        Parity.Compare($"{what} output", y, torchNdhwc);
        Parity.CompareGradient($"{what} dL/dx", x, leaf);
    }

    /// <summary>F.pad's order for a 5-D tensor: width's (before, after), then height's, then depth's.</summary>
    private static long[] Pads(string padding, int[] input, int[] window, int stride, int dilation) =>
        [.. PadsOf(padding, input[2], window[2], stride, dilation), .. PadsOf(padding, input[1], window[1], stride, dilation),
         .. PadsOf(padding, input[0], window[0], stride, dilation)];

    private static long[] PadsOf(string padding, int input, int kernel, int stride, int dilation = 1)
    {
        var (before, after) = ConvParityTests.TfPads(padding, input, kernel, stride, dilation);
        return [before, after];
    }
}
