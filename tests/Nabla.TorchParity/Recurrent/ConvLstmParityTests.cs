using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Recurrent;

/// <summary>
/// ConvLSTM2D against the same recurrence written with torch's conv2d on identical weights (torch has no ConvLSTM):
/// per step z = conv2d(x_t, kernel) + bias + conv2d(h_{t-1}, recurrent_kernel) with the recurrent one stride 1, "same" and
/// undilated (keras/src/layers/rnn/conv_lstm.py), z's channel blocks i, f, c, o; the output, the final states and the
/// gradients of the input, kernel, recurrent kernel and bias. Torch is channels-first and runs in float64 (see
/// <see cref="ConvParityTests"/>); "same" is an explicit F.pad with TensorFlow's split, the odd cell after.
/// </summary>
public class ConvLstmParityTests
{
    private const int Batch = 2, Steps = 4, Height = 7, Width = 6, Channels = 2, Filters = 3;

    [Theory]
    [InlineData("valid", 1, false, false)]
    [InlineData("same", 1, true, false)]
    [InlineData("same", 2, true, true)]
    [InlineData("valid", 2, false, true)]
    public void ConvLstm2DMatchesTorch(string padding, int stride, bool returnSequences, bool goBackwards)
    {
        TorchRuntime.EnsureLoaded();
        const int kh = 3, kw = 2;
        var layer = new ConvLSTM2D(Filters, (kh, kw), strides: stride, padding: padding, returnSequences: returnSequences,
            goBackwards: goBackwards, returnState: true);
        layer.Build([Steps, Height, Width, Channels]);
        TestData.Assign(layer.Kernel, TestData.Normal(51, 0.4, layer.Kernel.Shape));
        TestData.Assign(layer.RecurrentKernel, TestData.Normal(52, 0.4, layer.RecurrentKernel.Shape));
        TestData.Assign(layer.Bias!, TestData.Normal(53, 0.3, layer.Bias!.Shape));
        var x = TestData.Normal(54, 1.0, Batch, Steps, Height, Width, Channels).RequireGrad();
        var outputs = layer.CallAll(x, null, training: true);
        // One loss over the output and both states, so that each one's gradient path is checked.
        var grads = outputs.Select((o, k) => TestData.Uniform(55 + k, 0.5, 1.5, o.Shape)).ToArray();
        var loss = Enumerable.Range(0, 3).Select(k => Tensor.Sum(Tensor.Multiply(outputs[k], grads[k]))).Aggregate(Tensor.Add);
        new Graph(loss).Backward();

        using var scope = torch.NewDisposeScope();
        var tx = ConvParityTests.ChannelsFirstLeaf(x);
        var tw = Parity.Leaf64(WeightLayouts.ConvKernel(layer.Kernel, requiresGrad: false));
        var tu = Parity.Leaf64(WeightLayouts.ConvKernel(layer.RecurrentKernel, requiresGrad: false));
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var (top, bottom) = ConvParityTests.TfPads(padding, Height, kh, stride, 1);
        var (left, right) = ConvParityTests.TfPads(padding, Width, kw, stride, 1);
        TorchTensor? h = null, c = null;
        var sequence = new List<TorchTensor>();
        for (int k = 0; k < Steps; k++)
        {
            var xt = tx.select(2, goBackwards ? Steps - 1 - k : k);
            var z = F.conv2d(F.pad(xt, [left, right, top, bottom]), tw, tb, strides: [stride, stride], padding: [0, 0]);
            if (h is null)
            {
                h = torch.zeros_like(z.narrow(1, 0, Filters));
                c = torch.zeros_like(h);
            }
            var (rt, rb) = ConvParityTests.TfPads("same", (int)h.shape[2], kh, 1, 1);
            var (rl, rr) = ConvParityTests.TfPads("same", (int)h.shape[3], kw, 1, 1);
            z = z + F.conv2d(F.pad(h, [rl, rr, rt, rb]), tu, padding: [0, 0]);
            var gates = z.chunk(4, 1);
            c = torch.sigmoid(gates[1]) * c! + torch.sigmoid(gates[0]) * torch.tanh(gates[2]);
            h = torch.sigmoid(gates[3]) * torch.tanh(c);
            sequence.Add(h);
        }
        var tOutput = returnSequences ? torch.stack(sequence, 1).permute(0, 1, 3, 4, 2) : h!.permute(0, 2, 3, 1);
        TorchTensor[] expected = [tOutput, h!.permute(0, 2, 3, 1), c!.permute(0, 2, 3, 1)];
        var tLoss = Enumerable.Range(0, 3).Select(k => (expected[k] * Parity.ToTorch(grads[k]).to_type(torch.float64)).sum())
            .Aggregate((a, b) => a + b);
        tLoss.backward();

        string what = $"ConvLSTM2D {padding} stride {stride} sequences {returnSequences} backwards {goBackwards}";
        Parity.Compare($"{what} output", outputs[0], expected[0]);
        Parity.Compare($"{what} h", outputs[1], expected[1]);
        Parity.Compare($"{what} c", outputs[2], expected[2]);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 3, 4, 1));
        Parity.Compare($"{what} dL/dkernel", layer.Kernel.Grad!, tw.grad!.permute(2, 3, 1, 0));
        Parity.Compare($"{what} dL/drecurrent_kernel", layer.RecurrentKernel.Grad!, tu.grad!.permute(2, 3, 1, 0));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
    }
}
