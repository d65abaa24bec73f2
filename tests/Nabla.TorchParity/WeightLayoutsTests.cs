using Nabla.TorchParity.Support;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;

namespace Nabla.TorchParity;

/// <summary>
/// The Keras → torch weight converters, checked against Keras's own formulas written out here (so that the CNN and
/// RNN parity tests built on them start from a verified layout).
/// </summary>
public class WeightLayoutsTests
{
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

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    // Σ_k x[k]·kernel[k, column]
    private static double Dot(Tensor x, Tensor kernel, int column)
    {
        double sum = 0;
        for (int k = 0; k < x.Size; k++) sum += x.Data[k] * kernel[k, column];
        return sum;
    }

    [Fact]
    public void Gru_layout_makes_torch_GRUCell_compute_Keras_GRU_with_reset_after()
    {
        const int inputs = 3, units = 2;
        var kernel = TestData.Normal(11, 0.7, inputs, 3 * units);
        var recurrent = TestData.Normal(12, 0.7, units, 3 * units);
        var bias = TestData.Normal(13, 0.5, 2, 3 * units);
        var x = TestData.Normal(14, 1.0, 1, inputs);
        var h = TestData.Normal(15, 0.5, 1, units);

        // Keras 3 GRU (reset_after = true), gates z, r, h in that order along the kernels' columns.
        var expected = new Tensor(1, units);
        for (int j = 0; j < units; j++)
        {
            double Input(int gate) => Dot(x, kernel, gate * units + j) + bias[0, gate * units + j];
            double Recurrent(int gate) => Dot(h, recurrent, gate * units + j) + bias[1, gate * units + j];
            double z = Sigmoid(Input(0) + Recurrent(0)), r = Sigmoid(Input(1) + Recurrent(1));
            double candidate = Math.Tanh(Input(2) + r * Recurrent(2));
            expected[0, j] = (float)(z * h[0, j] + (1 - z) * candidate);
        }

        using var scope = torch.NewDisposeScope();
        var weights = WeightLayouts.Gru(kernel, recurrent, bias, requiresGrad: false);
        var cell = torch.nn.GRUCell(inputs, units);
        cell.weight_ih = new Parameter(weights.WeightIh);
        cell.weight_hh = new Parameter(weights.WeightHh);
        cell.bias_ih = new Parameter(weights.BiasIh);
        cell.bias_hh = new Parameter(weights.BiasHh);
        Parity.Compare("torch GRUCell with converted Keras weights", expected, cell.forward(Parity.ToTorch(x), Parity.ToTorch(h)));
    }

    [Fact]
    public void Lstm_layout_makes_torch_LSTMCell_compute_Keras_LSTM()
    {
        const int inputs = 3, units = 2;
        var kernel = TestData.Normal(16, 0.7, inputs, 4 * units);
        var recurrent = TestData.Normal(17, 0.7, units, 4 * units);
        var bias = TestData.Normal(18, 0.5, 4 * units);
        var x = TestData.Normal(19, 1.0, 1, inputs);
        var h = TestData.Normal(20, 0.5, 1, units);
        var c = TestData.Normal(21, 0.5, 1, units);

        // Keras 3 LSTM: z = x·W + h·U + b, gates i, f, c, o along the columns.
        var expectedH = new Tensor(1, units);
        var expectedC = new Tensor(1, units);
        for (int j = 0; j < units; j++)
        {
            double Z(int gate) => Dot(x, kernel, gate * units + j) + Dot(h, recurrent, gate * units + j) + bias.Data[gate * units + j];
            double cell = Sigmoid(Z(1)) * c[0, j] + Sigmoid(Z(0)) * Math.Tanh(Z(2));
            expectedC[0, j] = (float)cell;
            expectedH[0, j] = (float)(Sigmoid(Z(3)) * Math.Tanh(cell));
        }

        using var scope = torch.NewDisposeScope();
        var weights = WeightLayouts.Lstm(kernel, recurrent, bias, requiresGrad: false);
        var lstm = torch.nn.LSTMCell(inputs, units);
        lstm.weight_ih = new Parameter(weights.WeightIh);
        lstm.weight_hh = new Parameter(weights.WeightHh);
        lstm.bias_ih = new Parameter(weights.BiasIh);
        lstm.bias_hh = new Parameter(weights.BiasHh);
        var (torchH, torchC) = lstm.forward(Parity.ToTorch(x), (Parity.ToTorch(h), Parity.ToTorch(c)));
        Parity.Compare("torch LSTMCell h with converted Keras weights", expectedH, torchH);
        Parity.Compare("torch LSTMCell c with converted Keras weights", expectedC, torchC);
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
