using Nabla.TorchParity.Support;
using TorchSharp;
using Xunit.Sdk;

namespace Nabla.TorchParity;

/// <summary>The comparer itself: it must fail on a real difference, a wrong shape or a NaN, or it proves nothing.</summary>
public class ParityTests
{
    [Fact]
    public void Compare_accepts_float32_noise_and_rejects_a_real_difference()
    {
        var values = TestData.Normal(1, 1.0, 3, 4);
        using var scope = torch.NewDisposeScope();
        var reference = Parity.ToTorch(values);
        var noisy = values.Clone();
        noisy.Data[5] *= 1 + 3e-6f;
        Parity.Compare("noise", noisy, reference);

        var wrong = values.Clone();
        wrong.Data[7] += 1e-3f;
        var error = Assert.Throws<FailException>(() => Parity.Compare("wrong", wrong, reference));
        Assert.Contains("1 of 12 elements", error.Message);
        Assert.Contains("[1, 3]", error.Message);
    }

    [Fact]
    public void Compare_rejects_a_different_shape_and_a_nan()
    {
        var values = TestData.Normal(2, 1.0, 3, 4);
        using var scope = torch.NewDisposeScope();
        Assert.Throws<FailException>(() => Parity.Compare("shape", values, Parity.ToTorch(values).reshape(4, 3)));
        var nan = values.Clone();
        nan.Data[0] = float.NaN;
        Assert.Throws<FailException>(() => Parity.Compare("nan", nan, Parity.ToTorch(values)));
    }

    [Fact]
    public void Conv_kernel_layout_round_trips_and_matches_torch_conv2d()
    {
        // Keras Conv2D kernel [h, w, in, out]; output[b, y, x, o] = Σ kernel[i, j, c, o] · input[b, y + i, x + j, c].
        var kernel = TestData.Normal(3, 1.0, 2, 3, 4, 5);
        var input = TestData.Normal(4, 1.0, 1, 4, 5, 4); // NHWC
        using var scope = torch.NewDisposeScope();
        var torchKernel = WeightLayouts.ConvKernel(kernel, requiresGrad: false);
        Assert.Equal([5L, 4, 2, 3], torchKernel.shape);
        Parity.Compare("HWIO → OIHW → HWIO", WeightLayouts.ConvKernelToKeras(torchKernel), Parity.ToTorch(kernel), 0, 0);

        var torchOut = torch.nn.functional.conv2d(Parity.ToTorch(input).permute(0, 3, 1, 2), torchKernel).permute(0, 2, 3, 1);
        var expected = new Tensor(1, 3, 3, 5);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 3; x++)
                for (int o = 0; o < 5; o++)
                {
                    double sum = 0;
                    for (int i = 0; i < 2; i++)
                        for (int j = 0; j < 3; j++)
                            for (int c = 0; c < 4; c++)
                                sum += kernel[i, j, c, o] * input[0, y + i, x + j, c];
                    expected[0, y, x, o] = (float)sum;
                }
        Parity.Compare("conv2d with a converted Keras kernel", expected, torchOut);
    }

    [Fact]
    public void Recurrent_layouts_round_trip()
    {
        var kernel = TestData.Normal(5, 1.0, 3, 6);          // GRU, 2 units: [in, 3u]
        var recurrent = TestData.Normal(6, 1.0, 2, 6);
        var bias = TestData.Normal(7, 1.0, 2, 6);
        using var scope = torch.NewDisposeScope();
        var gru = WeightLayouts.Gru(kernel, recurrent, bias);
        Assert.Equal([6L, 3], gru.WeightIh.shape);
        // torch's first gate block (r) is Keras's second (r): column 2 of the Keras kernel is row 0 of weight_ih.
        Assert.Equal(kernel[1, 2], gru.WeightIh[0, 1].item<float>());
        Parity.Compare("GRU kernel", WeightLayouts.GruKernelToKeras(gru.WeightIh), Parity.ToTorch(kernel), 0, 0);
        Parity.Compare("GRU recurrent kernel", WeightLayouts.GruKernelToKeras(gru.WeightHh), Parity.ToTorch(recurrent), 0, 0);
        Parity.Compare("GRU bias", WeightLayouts.GruBiasToKeras(gru.BiasIh, gru.BiasHh), Parity.ToTorch(bias), 0, 0);

        var lstm = WeightLayouts.Lstm(TestData.Normal(8, 1.0, 3, 8), TestData.Normal(9, 1.0, 2, 8), TestData.Normal(10, 1.0, 8));
        Assert.Equal([8L, 2], lstm.WeightHh.shape);
        Assert.Equal(0f, lstm.BiasHh.abs().sum().item<float>());
    }
}
