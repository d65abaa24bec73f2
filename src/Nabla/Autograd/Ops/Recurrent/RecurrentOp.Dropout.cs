using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops.Recurrent;

/// <summary>
/// Keras's dropout inside a recurrent op. Every mask is drawn once per sample and used at every step (Keras's
/// DropoutRNNCell): <c>dropout</c> on the input features, <c>recurrent_dropout</c> on h_{t-1} where it multiplies the
/// recurrent kernel, never where a cell uses it otherwise (a GRU's blend z ⊙ h_{t-1}). With recurrent dropout each gate
/// block of the kernels gets masks of its own, on the inputs and on h_{t-1}, as Keras 3's cells do (they switch to their
/// per-gate implementation 1 then); with input dropout alone one mask serves every gate (implementation 2), so the input
/// projection stays one GEMM. The masks are drawn in this order: the input masks gate by gate, then the recurrent masks
/// gate by gate, each [batch, size].
/// </summary>
internal abstract unsafe partial class RecurrentOp
{
    private float dropout, recurrentDropout;
    private RandomGenerator? dropoutGenerator;
    private int maskCount;
    // [masks, batch, features] and [masks, batch, units]; null without that dropout.
    private float[]? inputMasks, recurrentMasks;
    // What multiplies each gate block of the recurrent kernel at every step, [masks, steps, batch, units].
    private float[]? droppedStates;
    // The input times one gate's mask (or one gate's input gradient), [steps·batch, features]; per-gate input masks only.
    private float[]? droppedInput;
    // dLoss/dh_{t-1} through one gate block before its mask, [batch, units].
    private float[]? blockStateGradient;

    private bool PerGateInputMasks => inputMasks is not null && maskCount > 1;

    private void AllocateDropout(RecurrentOptions options, int gatesPerUnit)
    {
        dropout = options.Dropout;
        recurrentDropout = options.RecurrentDropout;
        dropoutGenerator = options.DropoutGenerator;
        maskCount = recurrentDropout > 0 ? gatesPerUnit : 1;
        if (dropout > 0) inputMasks = new float[maskCount * Batch * Features];
        if (recurrentDropout > 0)
        {
            recurrentMasks = new float[maskCount * Batch * Units];
            droppedStates = new float[maskCount * Steps * Batch * Units];
            blockStateGradient = new float[Batch * Units];
        }
        if (PerGateInputMasks) droppedInput = new float[Steps * Batch * Features];
    }

    private void DrawDropoutMasks()
    {
        var rng = dropoutGenerator ?? Utils.Random;
        if (inputMasks is not null) Draw(inputMasks, dropout, rng);
        if (recurrentMasks is not null) Draw(recurrentMasks, recurrentDropout, rng);
    }

    private static void Draw(float[] masks, float rate, RandomGenerator rng)
    {
        float keep = 1f / (1f - rate);
        for (int i = 0; i < masks.Length; i++) masks[i] = rng.NextDouble() < rate ? 0f : keep;
    }

    /// <summary>x·kernel for every step into <see cref="Projected"/>: one GEMM, or one block of columns per gate with
    /// per-gate input masks.</summary>
    private void ProjectInputs()
    {
        int rows = Steps * Batch;
        if (!PerGateInputMasks)
        {
            Gemm.Multiply(false, false, rows, Width, Features, inputTimeMajor, Kernel.Data, Projected);
            return;
        }
        for (int g = 0; g < maskCount; g++)
        {
            MultiplyByInputMask(inputTimeMajor, droppedInput, g, accumulate: false);
            MultiplyPart(false, false, rows, Width, Features, droppedInput, Kernel.Data, Projected, false, .., GateColumns(g), ..);
        }
    }

    /// <summary>kernel += (dropped x)ᵀ·dZ over all steps.</summary>
    private void AddKernelGradient()
    {
        int rows = Steps * Batch;
        var dKernel = Kernel.Grad!.Data;
        if (!PerGateInputMasks)
        {
            Gemm.Multiply(true, false, Features, Width, rows, inputTimeMajor, GradProjected, dKernel, accumulate: true);
            return;
        }
        for (int g = 0; g < maskCount; g++)
        {
            MultiplyByInputMask(inputTimeMajor, droppedInput, g, accumulate: false);
            MultiplyPart(true, false, Features, Width, rows, droppedInput, GradProjected, dKernel, true, .., GateColumns(g), ..);
        }
    }

    /// <summary>dLoss/dx, time-major in <paramref name="gradInput"/>: dZ·kernelᵀ, each gate block's share through its mask.</summary>
    private void InputGradient(float[] gradInput)
    {
        int rows = Steps * Batch;
        if (!PerGateInputMasks)
        {
            Gemm.Multiply(false, true, rows, Features, Width, GradProjected, Kernel.Data, gradInput);
            if (inputMasks is not null) MultiplyByInputMask(gradInput, gradInput, 0, accumulate: false);
            return;
        }
        Array.Clear(gradInput);
        for (int g = 0; g < maskCount; g++)
        {
            MultiplyPart(false, true, rows, Features, Width, GradProjected, Kernel.Data, droppedInput, false, .., .., GateColumns(g));
            MultiplyByInputMask(droppedInput, gradInput, g, accumulate: true);
        }
    }

    /// <summary>target (+)= source ⊙ input mask g, for time-major rows [steps·batch, features].</summary>
    private void MultiplyByInputMask(ReadOnlySpan<float> source, Span<float> target, int g, bool accumulate)
    {
        var masks = inputMasks.AsSpan(g * Batch * Features, Batch * Features);
        for (int t = 0; t < Steps; t++)
        {
            int offset = t * Batch * Features, count = Batch * Features;
            if (accumulate) TensorPrimitives.MultiplyAdd(source.Slice(offset, count), masks, target.Slice(offset, count), target.Slice(offset, count));
            else TensorPrimitives.Multiply(source.Slice(offset, count), masks, target.Slice(offset, count));
        }
    }

    private Range GateColumns(int g) => (g * Units)..((g + 1) * Units);

    /// <summary>What multiplied gate block <paramref name="g"/> of the recurrent kernel at step t, [batch, units]: h_t, or
    /// h_t times that block's recurrent mask, as the forward pass left it.</summary>
    protected ReadOnlySpan<float> DroppedState(int t, int g) =>
        droppedStates is null ? State(t) : droppedStates.AsSpan((g * Steps + t) * Batch * Units, Batch * Units);

    /// <summary>Writes <see cref="DroppedState"/> for rows [r0, r1) and returns it.</summary>
    protected ReadOnlySpan<float> DropState(int t, int g, int r0, int r1)
    {
        if (droppedStates is null) return State(t);
        var dropped = droppedStates.AsSpan((g * Steps + t) * Batch * Units, Batch * Units);
        int from = r0 * Units, count = (r1 - r0) * Units;
        TensorPrimitives.Multiply(State(t).Slice(from, count), recurrentMasks.AsSpan((g * Batch + r0) * Units, count),
            dropped.Slice(from, count));
        return dropped;
    }

    /// <summary>Gate block g's recurrent dropout mask, [batch, units]; empty without recurrent dropout.</summary>
    protected ReadOnlySpan<float> RecurrentMask(int g) =>
        recurrentMasks is null ? default : recurrentMasks.AsSpan(g * Batch * Units, Batch * Units);

    /// <summary>Rows [r0, r1) of target (+)= Σ_g (h_t ⊙ mask_{first+g})·kernel[:, block g] over <paramref name="blocks"/> gate
    /// blocks of a [units, blocks·units] kernel: step t's recurrent product, one GEMM without recurrent dropout.</summary>
    protected void MultiplyRecurrentBlocks(int t, int r0, int r1, ReadOnlySpan<float> kernel, int firstMask, int blocks,
        Span<float> target, bool accumulate)
    {
        int width = blocks * Units;
        if (droppedStates is null)
        {
            MultiplyRows(r0, r1, State(t), kernel, target, width, Units, accumulate);
            return;
        }
        for (int g = 0; g < blocks; g++)
            MultiplyPart(false, false, Batch, width, Units, DropState(t, firstMask + g, r0, r1), kernel, target, accumulate,
                r0..r1, GateColumns(g), ..);
    }

    /// <summary>Rows [r0, r1) of <see cref="RecurrentOp.GradState"/> (+)= Σ_g mask_{first+g} ⊙ (grad[:, block g]·kernelᵀ[block g, :]):
    /// dLoss/dh_{t-1} through the recurrent product, given its gradient [batch, blocks·units] and the kernel transposed
    /// [blocks·units, units].</summary>
    protected void AddRecurrentStateGradient(int r0, int r1, ReadOnlySpan<float> grad, ReadOnlySpan<float> kernelTransposed,
        int firstMask, int blocks, bool accumulate)
    {
        int depth = blocks * Units;
        if (recurrentMasks is null)
        {
            MultiplyRows(r0, r1, grad, kernelTransposed, GradState, Units, depth, accumulate);
            return;
        }
        int from = r0 * Units, count = (r1 - r0) * Units;
        var target = GradState.AsSpan(from, count);
        if (!accumulate) target.Clear();
        var blockGradient = blockStateGradient.AsSpan(from, count);
        for (int g = 0; g < blocks; g++)
        {
            MultiplyPart(false, false, Batch, Units, depth, grad, kernelTransposed, blockStateGradient, false, r0..r1, .., GateColumns(g));
            var mask = recurrentMasks.AsSpan(((firstMask + g) * Batch + r0) * Units, count);
            TensorPrimitives.MultiplyAdd(blockGradient, mask, target, target);
        }
    }

    /// <summary>gradKernel (+)= Σ_t (h_t ⊙ mask_{first+g})ᵀ·grad_t[:, block g] per gate block, over all steps, for a
    /// [units, blocks·units] kernel and its pre-activations' gradient [steps·batch, blocks·units].</summary>
    protected void AddRecurrentKernelGradient(float[] grad, float[] gradKernel, int firstMask, int blocks, bool accumulate)
    {
        int width = blocks * Units, rows = Steps * Batch;
        if (droppedStates is null)
        {
            Gemm.Multiply(true, false, Units, width, rows, States.AsSpan(0, rows * Units), grad, gradKernel, accumulate);
            return;
        }
        if (!accumulate) gradKernel.AsSpan(0, Units * width).Clear();
        // One gate block per work item: each writes its own columns, each a GEMM over all steps.
        var job = new KernelGradientJob { Op = this, Grad = grad, GradKernel = gradKernel, FirstMask = firstMask, Blocks = blocks };
        long macs = (long)Units * width * rows;
        WorkerPool.For(blocks, &KernelGradientBlocks, Unsafe.AsPointer(ref job),
            macs >= KernelSettings.ParallelThresholdMacs ? KernelSettings.MaxThreads : 1, blocks);
    }

    private struct KernelGradientJob
    {
        public RecurrentOp Op;
        public float[] Grad, GradKernel;
        public int FirstMask, Blocks;
    }

    private static void KernelGradientBlocks(int start, int end, void* state)
    {
        ref var job = ref Unsafe.AsRef<KernelGradientJob>(state);
        var op = job.Op;
        int rows = op.Steps * op.Batch, size = rows * op.Units;
        for (int g = start; g < end; g++)
            MultiplyPart(true, false, op.Units, job.Blocks * op.Units, rows, op.droppedStates.AsSpan((job.FirstMask + g) * size, size),
                job.Grad, job.GradKernel, true, .., op.GateColumns(g), ..);
    }

    /// <summary>A block of C = op(A)·op(B) (+ C) on the calling thread (<see cref="Gemm.MultiplyBlock"/>); a single row,
    /// which that entry does not take, by a plain loop.</summary>
    private static void MultiplyPart(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b,
        Span<float> c, bool accumulate, Range rows, Range columns, Range depth)
    {
        if (m >= 2)
        {
            Gemm.MultiplyBlock(transA, transB, m, n, k, a, b, c, accumulate, rows, columns, depth);
            return;
        }
        var (j0, columnCount) = columns.GetOffsetAndLength(n);
        var (p0, depthCount) = depth.GetOffsetAndLength(k);
        // One row of op(A): its k values lie in order in either layout.
        for (int j = j0; j < j0 + columnCount; j++)
        {
            float sum = accumulate ? c[j] : 0f;
            for (int p = p0; p < p0 + depthCount; p++) sum += a[p] * (transB ? b[j * k + p] : b[p * n + j]);
            c[j] = sum;
        }
    }
}
