using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>A ConvLSTM under a timestep mask, as Keras's RNN (keras/src/backend/tensorflow/rnn.py): a masked step keeps h
/// and c and outputs the previous output (zeros before the first real step), or zeros with zero_output_for_mask; the
/// mask passes on only when returning sequences.</summary>
public class ConvLstmMaskingTests
{
    private const int Batch = 2, Steps = 4;

    private static Tensor Sequence(int steps, int seed = 1) => GradientCheck.Random(seed, -1, 1, Batch, steps, 4, 4, 1);

    /// <summary>Sample 0 is real at every step; sample 1 only at <paramref name="realSteps"/>.</summary>
    private static Tensor Mask(params int[] realSteps)
    {
        var mask = new Tensor(Batch, Steps);
        for (int t = 0; t < Steps; t++)
        {
            mask.Data[t] = 1;
            if (realSteps.Contains(t)) mask.Data[Steps + t] = 1;
        }
        return mask;
    }

    private static float[] Sample(Tensor t, int b) => t.Data.AsSpan(b * (t.Size / Batch), t.Size / Batch).ToArray();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-6, $"element {i}: {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void TrailingMaskedStepsKeepTheStatesOfTheShorterSequence()
    {
        var layer = new ConvLSTM2D(2, 3, padding: "same", returnSequences: true, returnState: true);
        var x = Sequence(Steps);
        var unmasked = layer.CallAll(x, null, training: false);
        x.KerasMask = Mask(0, 1);
        var masked = layer.CallAll(x, null, training: false);
        var shorter = layer.CallAll(Tensor.Slice(x, [0, 0, 0, 0, 0], [Batch, 2, 4, 4, 1]), null, training: false);
        // Sample 0 is unmasked; sample 1 ends as the two-step run did, and repeats its last output.
        AssertClose(Sample(unmasked[1], 0), Sample(masked[1], 0));
        AssertClose(Sample(shorter[1], 1), Sample(masked[1], 1));
        AssertClose(Sample(shorter[2], 1), Sample(masked[2], 1));
        var outputs = Sample(masked[0], 1);
        int frame = outputs.Length / Steps;
        for (int t = 2; t < Steps; t++) AssertClose(outputs[frame..(2 * frame)], outputs[(t * frame)..((t + 1) * frame)]);
        Assert.Same(x.KerasMask, layer.ComputeMask(x, x.KerasMask));
        Assert.Null(new ConvLSTM2D(2, 3).ComputeMask(x, x.KerasMask));
    }

    [Fact]
    public void LeadingMaskedStepsOutputZerosAndZeroOutputForMaskZerosEveryMaskedStep()
    {
        var x = Sequence(Steps, seed: 2);
        x.KerasMask = Mask(1, 3);
        var layer = new ConvLSTM2D(2, 3, padding: "same", returnSequences: true);
        var outputs = Sample(layer.Call(x, training: false), 1);
        int frame = outputs.Length / Steps;
        Assert.All(outputs[..frame], v => Assert.Equal(0f, v));
        AssertClose(outputs[frame..(2 * frame)], outputs[(2 * frame)..(3 * frame)]);
        layer.ZeroOutputForMask = true;
        var zeroed = Sample(layer.Call(x, training: false), 1);
        Assert.All(zeroed[(2 * frame)..(3 * frame)], v => Assert.Equal(0f, v));
        AssertClose(outputs[(3 * frame)..], zeroed[(3 * frame)..]);
    }

    [Fact]
    public void MaskedGradientsMatchFiniteDifferences()
    {
        var layer = new ConvLSTM2D(2, 3, padding: "same", returnSequences: true, goBackwards: true);
        var x = Sequence(Steps, seed: 3);
        layer.Build(x.Shape[1..]);
        var mask = Mask(0, 2);
        GradientCheck.Check(t =>
        {
            var input = Tensor.Reshape(t[0], t[0].Shape);
            input.KerasMask = mask;
            return layer.Call(input, training: true);
        }, [x, layer.Kernel, layer.RecurrentKernel, layer.Bias!]);
    }

    [Fact]
    public void APerPixelMaskIsRefusedByName()
    {
        // Masking on frames masks each pixel ([batch, time, rows, cols]), which Keras's RNN would tile over the filters;
        // only a mask per time step is implemented.
        var model = new Sequential(new Masking(0.0, inputShape: [Steps, 4, 4, 1]), new ConvLSTM2D(2, 3, padding: "same"));
        var e = Assert.Throws<ArgumentException>(() => model.Predict(Sequence(Steps)));
        Assert.Contains("[batch, timesteps]", e.Message);
    }
}
