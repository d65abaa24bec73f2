using Nabla.Autograd;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>ConvLSTM1D/2D/3D against <see cref="ConvLstmReference"/>, Keras's step written out in loops, on small shapes:
/// every padding, strides, dilation, return_sequences, return_state and go_backwards; and finite-difference gradients of
/// the input and the three weights.</summary>
public class ConvLstmForwardTests
{
    private const int Batch = 2, Steps = 3;

    public static TheoryData<string, int, int, bool, bool> Cases2D() => new()
    {
        // padding, stride, dilation, return_sequences, go_backwards
        { "valid", 1, 1, false, false },
        { "valid", 1, 1, true, false },
        { "same", 1, 1, true, false },
        { "same", 1, 1, false, true },
        { "same", 2, 1, true, false },
        { "valid", 2, 1, true, true },
        { "same", 1, 2, true, false },
    };

    [Theory, MemberData(nameof(Cases2D))]
    public void ConvLstm2DMatchesTheStepWrittenOut(string padding, int stride, int dilation, bool returnSequences, bool goBackwards)
    {
        // 6×5 with a 3×2 window: "same" pads both axes oddly at stride 2, the extra cell after.
        var layer = new ConvLSTM2D(3, (3, 2), strides: stride, padding: padding, dilationRate: dilation,
            returnSequences: returnSequences, goBackwards: goBackwards, returnState: true);
        var x = GradientCheck.Random(1, -1, 1, Batch, Steps, 6, 5, 2);
        var outputs = layer.CallAll(x, null, training: false);
        var reference = new ConvLstmReference([1, 3, 2], [1, stride, stride], [1, dilation, dilation], padding == "same", 3);
        AssertMatches(layer, x, [1, 6, 5, 2], reference, outputs, returnSequences, goBackwards);
    }

    [Fact]
    public void ConvLstm1DMatchesTheStepWrittenOut()
    {
        var layer = new ConvLSTM1D(2, 3, strides: 2, padding: "same", returnSequences: true, returnState: true);
        var x = GradientCheck.Random(2, -1, 1, Batch, Steps, 7, 3);
        var reference = new ConvLstmReference([1, 1, 3], [1, 1, 2], [1, 1, 1], true, 2);
        AssertMatches(layer, x, [1, 1, 7, 3], reference, layer.CallAll(x, null, training: false), true, false);
    }

    [Fact]
    public void ConvLstm3DMatchesTheStepWrittenOut()
    {
        var layer = new ConvLSTM3D(2, (2, 3, 2), padding: "valid", returnState: true, goBackwards: true);
        var x = GradientCheck.Random(3, -1, 1, Batch, Steps, 3, 4, 3, 2);
        var reference = new ConvLstmReference([2, 3, 2], [1, 1, 1], [1, 1, 1], false, 2);
        AssertMatches(layer, x, [3, 4, 3, 2], reference, layer.CallAll(x, null, training: false), false, true);
    }

    private static void AssertMatches(ConvLSTM layer, Tensor x, int[] stepDims, ConvLstmReference reference,
        IReadOnlyList<Tensor> outputs, bool returnSequences, bool goBackwards)
    {
        // Non-zero biases, so that a bias read from the wrong gate shows.
        var bias = layer.Bias!;
        for (int i = 0; i < bias.Size; i++) bias.Data[i] = 0.1f * ((i * 7) % 5 - 2);
        outputs = layer.CallAll(x, null, training: false);
        var (steps, h, c, stateDims) = reference.Run(x.Data, Batch, Steps, stepDims, layer.Kernel.Data, layer.RecurrentKernel.Data,
            bias.Data, goBackwards);
        int[] spatial = stateDims[(3 - layer.Rank)..];
        Assert.Equal(returnSequences ? [Batch, Steps, .. spatial] : [Batch, .. spatial], outputs[0].Shape);
        Assert.Equal([Batch, .. spatial], outputs[1].Shape);
        AssertClose(h, outputs[1].Data);
        AssertClose(c, outputs[2].Data);
        if (!returnSequences)
        {
            AssertClose(h, outputs[0].Data);
            return;
        }
        int stateSize = h.Length / Batch;
        var expected = new double[outputs[0].Size];
        for (int b = 0; b < Batch; b++)
            for (int k = 0; k < Steps; k++)
                Array.Copy(steps[k], b * stateSize, expected, (b * Steps + k) * stateSize, stateSize);
        AssertClose(expected, outputs[0].Data);
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"element {i}: expected {expected[i]:G7}, got {actual[i]:G7}");
    }

    public static TheoryData<string, int, bool, bool> GradientCases() => new()
    {
        { "valid", 1, false, false },
        { "same", 2, true, false },
        { "same", 1, true, true },
    };

    [Theory, MemberData(nameof(GradientCases))]
    public void GradientsMatchFiniteDifferences(string padding, int stride, bool returnSequences, bool goBackwards)
    {
        var layer = new ConvLSTM2D(2, 3, strides: stride, padding: padding, returnSequences: returnSequences, goBackwards: goBackwards);
        var x = GradientCheck.Random(4, -1, 1, Batch, Steps, 5, 4, 2);
        layer.Build(x.Shape[1..]);
        var bias = layer.Bias!;
        for (int i = 0; i < bias.Size; i++) bias.Data[i] = 0.1f * ((i * 3) % 5 - 2);
        // Layer weights are the checked tensors themselves: the check perturbs them in place.
        GradientCheck.Check(t => layer.Call(t[0], training: true), [x, layer.Kernel, layer.RecurrentKernel, bias], h: 1e-2, tolerance: 3e-2);
    }

    [Fact]
    public void ReturnedStatesAndInitialStatesCarryTheGradient()
    {
        var layer = new ConvLSTM2D(2, 3, padding: "same", returnState: true);
        var x = GradientCheck.Random(5, -1, 1, Batch, Steps, 4, 4, 1);
        var h0 = GradientCheck.Random(6, -0.5, 0.5, Batch, 4, 4, 2);
        var c0 = GradientCheck.Random(7, -0.5, 0.5, Batch, 4, 4, 2);
        GradientCheck.Check(t => Tensor.Add(layer.CallAll(t[0], [t[1], t[2]], training: true)[2],
            layer.CallAll(t[0], [t[1], t[2]], training: true)[1]), [x, h0, c0]);
    }

    [Fact]
    public void AnInitialStateContinuesTheSequence()
    {
        // Running steps 0..1 and handing h, c to a run of step 2 gives the whole run's final state.
        var layer = new ConvLSTM2D(2, 3, padding: "same", returnState: true);
        var x = GradientCheck.Random(8, -1, 1, Batch, Steps, 4, 4, 1);
        var whole = layer.CallAll(x, null, training: false);
        var first = layer.CallAll(Tensor.Slice(x, [0, 0, 0, 0, 0], [Batch, 2, 4, 4, 1]), null, training: false);
        var rest = layer.CallAll(Tensor.Slice(x, [0, 2, 0, 0, 0], [Batch, 1, 4, 4, 1]), [first[1], first[2]], training: false);
        AssertClose([.. whole[1].Data.Select(v => (double)v)], rest[1].Data);
        AssertClose([.. whole[2].Data.Select(v => (double)v)], rest[2].Data);
        Assert.Throws<ArgumentException>(() => layer.CallAll(x, [first[1]], training: false));
    }
}
