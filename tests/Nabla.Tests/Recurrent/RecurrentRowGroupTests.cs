using Nabla.Activations;
using Nabla.Autograd;
using Nabla.Autograd.Ops.Recurrent;
using Nabla.Kernels;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>
/// The recurrent ops walk through time on groups of batch rows, one per kernel thread, and fuse an LSTM's and a
/// reset_after GRU's gate math for sigmoid and tanh: the results must not depend on the thread count, and the fused
/// passes must agree with the activation kernels.
/// </summary>
/// <remarks>The tests change <c>KernelSettings</c>, so the class runs with the process-wide settings' tests.</remarks>
[Collection(nameof(Nabla.Tests.Kernels.KernelSettingsTests))]
public class RecurrentRowGroupTests
{
    // 21 rows: two full groups of 8 and a ragged one; 29 units: 16 + 8 + 4 + 1 lanes, every width of the fused pass.
    private const int Batch = 21, Steps = 6, Features = 5, Units = 29;

    public static TheoryData<string> Cells() => new() { "lstm", "gru", "gru_reset_before", "simple_rnn" };

    [Theory, MemberData(nameof(Cells))]
    public void OneAndTwoThreadsGiveTheSameBits(string cell)
    {
        foreach (bool masked in new[] { false, true })
        {
            var one = WithThreads(1, () => Run(cell, masked, fusedActivations: true));
            var two = WithThreads(2, () => Run(cell, masked, fusedActivations: true));
            Assert.Equal(one.Length, two.Length);
            for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
        }
    }

    [Theory, InlineData("lstm"), InlineData("gru")]
    public void FusedGatesAgreeWithTheActivationKernels(string cell)
    {
        foreach (bool masked in new[] { false, true })
        {
            var fused = WithThreads(2, () => Run(cell, masked, fusedActivations: true));
            var kernels = WithThreads(2, () => Run(cell, masked, fusedActivations: false));
            Assert.Equal(kernels.Length, fused.Length);
            for (int i = 0; i < fused.Length; i++)
                Assert.True(Math.Abs(fused[i] - kernels[i]) <= 1e-5f * (1 + Math.Abs(kernels[i])),
                    $"value {i}: fused {fused[i]:G9}, activation kernels {kernels[i]:G9}");
        }
    }

    /// <summary>Forward and backward of one op returning sequences; its output, every gradient and the state-gradient
    /// norms, concatenated.</summary>
    private static float[] Run(string cell, bool masked, bool fusedActivations)
    {
        int gates = cell == "lstm" ? 4 : cell == "simple_rnn" ? 1 : 3;
        var x = GradientCheck.Random(1, -1, 1, Batch, Steps, Features);
        var kernel = GradientCheck.Random(2, -0.5, 0.5, Features, gates * Units);
        var recurrent = GradientCheck.Random(3, -0.5, 0.5, Units, gates * Units);
        var bias = cell == "gru" ? GradientCheck.Random(4, -0.5, 0.5, 2, gates * Units) : GradientCheck.Random(4, -0.5, 0.5, gates * Units);
        Tensor? mask = null;
        if (masked)
        {
            mask = new Tensor(Batch, Steps);
            for (int i = 0; i < mask.Size; i++) mask.Data[i] = i % 5 == 3 ? 0 : 1;
        }
        foreach (var t in new[] { x, kernel, recurrent, bias }) t.RequiresGrad = true;
        var options = new RecurrentOptions(true, false, Mask: mask);
        IActivationKernel tanh = fusedActivations ? new Tanh() : new Unfusable(new Tanh());
        IActivationKernel sigmoid = fusedActivations ? new Sigmoid() : new Unfusable(new Sigmoid());
        RecurrentOp op = cell switch
        {
            "lstm" => new LstmOp(x, kernel, recurrent, bias, tanh, sigmoid, options),
            "gru" => new GruOp(x, kernel, recurrent, bias, tanh, sigmoid, true, options),
            "gru_reset_before" => new GruOp(x, kernel, recurrent, bias, tanh, sigmoid, false, options),
            _ => new SimpleRnnOp(x, kernel, recurrent, bias, tanh, options),
        };
        op.RecordStateGradientNorms = true;
        var output = Op.Record(op);
        var seed = GradientCheck.Random(5, -1, 1, output.Shape);
        new Graph(output).Backward(seed);
        return [.. output.Data, .. x.Grad!.Data, .. kernel.Grad!.Data, .. recurrent.Grad!.Data, .. bias.Grad!.Data, .. op.StateGradientNorms!];
    }

    /// <summary>Forces every walk onto row groups on the threads (no size threshold) with the given thread count.</summary>
    private static T WithThreads<T>(int threads, Func<T> action)
    {
        int savedThreads = KernelSettings.MaxThreads;
        long savedThreshold = KernelSettings.ParallelThresholdMacs;
        try
        {
            KernelSettings.MaxThreads = threads;
            KernelSettings.ParallelThresholdMacs = 0;
            return action();
        }
        finally
        {
            KernelSettings.MaxThreads = savedThreads;
            KernelSettings.ParallelThresholdMacs = savedThreshold;
        }
    }

    /// <summary>The same activation, without the marker that lets the LSTM fuse it.</summary>
    private sealed class Unfusable(IActivationKernel inner) : IActivationKernel
    {
        public string Name => inner.Name;

        public void Forward(ReadOnlySpan<float> x, Span<float> y, int width) => inner.Forward(x, y, width);

        public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
            inner.Backward(x, y, dy, dx, width);
    }
}
