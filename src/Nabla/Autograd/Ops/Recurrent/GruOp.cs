using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops.Recurrent;

/// <summary>
/// A Keras GRU over a whole sequence, gates in Keras's column order z, r, h:
/// z, r = recurrent_activation(x·W + h_{t-1}·U (+ biases)); with reset_after (Keras 3's default, two bias
/// rows [input; recurrent]) ĥ = activation(x·W_h + b_h + r ⊙ (h_{t-1}·U_h + b'_h)); without it
/// ĥ = activation(x·W_h + b_h + (r ⊙ h_{t-1})·U_h); h_t = z ⊙ h_{t-1} + (1 − z) ⊙ ĥ.
/// Without reset_after the step needs h_{t-1}·U for the z and r columns only, and a second product
/// (r ⊙ h_{t-1})·U_h: the recurrent kernel is copied into those two blocks once per forward pass.
/// With reset_after and Keras's default activations (sigmoid, tanh) the gate math of a step is one fused pass
/// (<see cref="GruCell"/>); other activations and reset_after = false go through the activation kernels.
/// </summary>
internal sealed unsafe class GruOp : RecurrentOp, IGatedOp
{
    private readonly IActivationKernel activation, recurrentActivation;
    private readonly bool resetAfter, fused;
    private readonly float[] preActivations, gates, inner;
    private readonly float[] gradGates, gradInner, scratch;
    // reset_after = false: U split into [units, 2·units] (z, r) and [units, units] (h), r ⊙ h_{t-1} per step,
    // the h columns' pre-activation gradient, and the two blocks' gradients before they are added into U's.
    private readonly float[]? recurrentGates, recurrentCandidate, resetStates, gradCandidate, gradRecurrentGates,
        gradRecurrentCandidate, gradRecurrentGatesBlock, gradResetState;

    public GruOp(Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias, IActivationKernel activation,
        IActivationKernel recurrentActivation, bool resetAfter, RecurrentOptions options)
        : base(x, kernel, recurrentKernel, bias, 3, options)
    {
        if (bias is not null) CheckWeight("bias", bias, resetAfter ? [2, Width] : [Width]);
        this.activation = activation;
        this.recurrentActivation = recurrentActivation;
        this.resetAfter = resetAfter;
        fused = resetAfter && activation is IGateFunction { Gate: GateFunction.Tanh }
            && recurrentActivation is IGateFunction { Gate: GateFunction.Sigmoid };
        int rows = Steps * Batch;
        preActivations = new float[rows * Width];
        gates = new float[rows * Width];
        gradGates = new float[Batch * Width];
        // Per batch row, so that row groups can run at once.
        scratch = new float[Batch * Units];
        if (resetAfter)
        {
            inner = new float[rows * Width];
            gradInner = new float[rows * Width];
        }
        else
        {
            inner = new float[rows * Units];
            gradInner = [];
            recurrentGates = new float[Units * 2 * Units];
            recurrentCandidate = new float[Units * Units];
            resetStates = new float[rows * Units];
            gradCandidate = new float[rows * Units];
            gradRecurrentGates = new float[rows * 2 * Units];
            gradRecurrentCandidate = new float[Units * Units];
            gradRecurrentGatesBlock = new float[Units * 2 * Units];
            gradResetState = new float[Batch * Units];
        }
    }

    public override string Name => "gru";

    /// <summary>Gate values after their activations, time-major [steps, batch, 3·units] (z, r, ĥ).</summary>
    public ReadOnlySpan<float> GateValues => gates;

    public int GateColumns => 3;

    public int GateUnits => Units;

    protected override void AddInputBias(Span<float> projected)
    {
        if (Bias is { } bias) RowVector.AddToRows(projected, bias.Data.AsSpan(0, Width));
    }

    protected override void AddInputBiasGradient(ReadOnlySpan<float> gradProjected)
    {
        if (Bias is { } bias && NeedsGrad(3)) RowVector.SumRows(gradProjected, bias.Grad!.Data.AsSpan(0, Width), accumulate: true);
    }

    public override void Forward()
    {
        if (!resetAfter) SplitRecurrentKernel();
        base.Forward();
    }

    private void SplitRecurrentKernel()
    {
        var u = RecurrentKernel.Data;
        int n = Units;
        for (int row = 0; row < n; row++)
        {
            u.AsSpan(row * Width, 2 * n).CopyTo(recurrentGates.AsSpan(row * 2 * n, 2 * n));
            u.AsSpan(row * Width + 2 * n, n).CopyTo(recurrentCandidate.AsSpan(row * n, n));
        }
    }

    /// <summary>Without reset_after only the z and r columns multiply h_{t-1}: the [units, 2·units] block.</summary>
    protected override void MultiplyRecurrent(int t, int r0, int r1)
    {
        if (resetAfter) base.MultiplyRecurrent(t, r0, r1);
        else MultiplyRecurrentBlocks(t, r0, r1, recurrentGates, 0, 2, RecurrentStepProduct.AsSpan(0, Batch * 2 * Units), accumulate: false);
    }

    protected override void ForwardStep(int t, int r0, int r1)
    {
        if (fused) ForwardFused(t, r0, r1);
        else if (resetAfter) ForwardResetAfter(t, r0, r1);
        else ForwardResetBefore(t, r0, r1);
    }

    private void ForwardFused(int t, int r0, int r1)
    {
        fixed (float* x = Projected, product = RecurrentStepProduct, recurrent = inner, a = gates, h = States, bias = Bias?.Data)
            GruCell.Forward(StepPointers(t, x, product, bias, recurrent, a, h, null, null, null), r0, r1);
    }

    /// <summary>Step t's buffers for <see cref="GruCell"/>, from pointers the caller has pinned.</summary>
    private GruCell.Step StepPointers(int t, float* projected, float* product, float* bias, float* recurrent, float* a, float* h,
        float* dh, float* dz, float* dInner)
    {
        nint gateOffset = (nint)t * Batch * Width, rowSize = Batch * Units;
        return new GruCell.Step
        {
            Projected = projected + gateOffset,
            RecurrentProduct = product,
            RecurrentBias = bias == null ? null : bias + Width,
            Inner = recurrent + gateOffset,
            Gates = a + gateOffset,
            StatePrevious = h + t * rowSize,
            State = h + (t + 1) * rowSize,
            GradState = dh,
            GradProjected = dz == null ? null : dz + gateOffset,
            GradInner = dInner == null ? null : dInner + gateOffset,
            Units = Units,
        };
    }

    private void ForwardResetAfter(int t, int r0, int r1)
    {
        int n = Units;
        var x = StepOf(Projected, t, Width);
        var recurrent = StepOf(inner, t, Width);
        var z = StepOf(preActivations, t, Width);
        var a = StepOf(gates, t, Width);
        var rows = recurrent.Slice(r0 * Width, (r1 - r0) * Width);
        RecurrentStepProduct.AsSpan(r0 * Width, (r1 - r0) * Width).CopyTo(rows);
        if (Bias is { } bias) RowVector.AddToRows(rows, bias.Data.AsSpan(Width, Width));
        for (int b = r0; b < r1; b++)
        {
            int row = b * Width;
            TensorPrimitives.Add(x.Slice(row, 2 * n), recurrent.Slice(row, 2 * n), z.Slice(row, 2 * n));
            recurrentActivation.Forward(z.Slice(row, 2 * n), a.Slice(row, 2 * n), 2 * n);
            // ĥ's pre-activation: x_h + r ⊙ (h_{t-1}·U_h + b'_h)
            TensorPrimitives.MultiplyAdd(a.Slice(row + n, n), recurrent.Slice(row + 2 * n, n), x.Slice(row + 2 * n, n),
                z.Slice(row + 2 * n, n));
            activation.Forward(z.Slice(row + 2 * n, n), a.Slice(row + 2 * n, n), n);
        }
        Blend(t, r0, r1);
    }

    private void ForwardResetBefore(int t, int r0, int r1)
    {
        int n = Units;
        var x = StepOf(Projected, t, Width);
        var z = StepOf(preActivations, t, Width);
        var a = StepOf(gates, t, Width);
        // The candidate's share of h_{t-1}, through its recurrent dropout mask (h_{t-1} itself when there is none).
        var hPrev = DropState(t, 2, r0, r1);
        var reset = StepOf(resetStates!, t, n);
        var candidate = StepOf(inner, t, n);
        for (int b = r0; b < r1; b++)
        {
            int row = b * Width;
            TensorPrimitives.Add(x.Slice(row, 2 * n), RecurrentStepProduct.AsSpan(b * 2 * n, 2 * n), z.Slice(row, 2 * n));
            recurrentActivation.Forward(z.Slice(row, 2 * n), a.Slice(row, 2 * n), 2 * n);
            TensorPrimitives.Multiply(a.Slice(row + n, n), hPrev.Slice(b * n, n), reset.Slice(b * n, n));
        }
        MultiplyRows(r0, r1, reset, recurrentCandidate, candidate, n, n, accumulate: false);
        for (int b = r0; b < r1; b++)
        {
            int row = b * Width;
            TensorPrimitives.Add(x.Slice(row + 2 * n, n), candidate.Slice(b * n, n), z.Slice(row + 2 * n, n));
            activation.Forward(z.Slice(row + 2 * n, n), a.Slice(row + 2 * n, n), n);
        }
        Blend(t, r0, r1);
    }

    /// <summary>h_t = z ⊙ h_{t-1} + (1 − z) ⊙ ĥ = ĥ + z ⊙ (h_{t-1} − ĥ).</summary>
    private void Blend(int t, int r0, int r1)
    {
        int n = Units;
        var a = StepOf(gates, t, Width);
        var hPrev = State(t);
        var h = State(t + 1);
        for (int b = r0; b < r1; b++)
        {
            var candidate = a.Slice(b * Width + 2 * n, n);
            var difference = scratch.AsSpan(b * n, n);
            TensorPrimitives.Subtract(hPrev.Slice(b * n, n), candidate, difference);
            TensorPrimitives.MultiplyAdd(a.Slice(b * Width, n), difference, candidate, h.Slice(b * n, n));
        }
    }

    protected override void BackwardStep(int t, int r0, int r1)
    {
        if (fused)
        {
            BackwardFused(t, r0, r1);
            return;
        }
        int n = Units;
        var z = StepOf(preActivations, t, Width);
        var a = StepOf(gates, t, Width);
        var hPrev = State(t);
        var dz = StepOf(GradProjected, t, Width);
        // Through the blend: dz_gate = dh ⊙ (h_{t-1} − ĥ), dĥ = dh ⊙ (1 − z); the direct part dh ⊙ z is added last.
        for (int b = r0; b < r1; b++)
        {
            int row = b * Width;
            var dh = GradState.AsSpan(b * n, n);
            var candidate = a.Slice(row + 2 * n, n);
            var work = scratch.AsSpan(b * n, n);
            TensorPrimitives.Subtract(hPrev.Slice(b * n, n), candidate, work);
            TensorPrimitives.Multiply(dh, work, gradGates.AsSpan(row, n));
            TensorPrimitives.Multiply(dh, a.Slice(row, n), work);
            TensorPrimitives.Subtract(dh, work, gradGates.AsSpan(row + 2 * n, n));
            activation.Backward(z.Slice(row + 2 * n, n), candidate, gradGates.AsSpan(row + 2 * n, n), dz.Slice(row + 2 * n, n), n);
        }
        if (resetAfter) BackwardResetAfter(t, dz, r0, r1);
        else BackwardResetBefore(t, dz, r0, r1);
    }

    private void BackwardFused(int t, int r0, int r1)
    {
        fixed (float* a = gates, recurrent = inner, h = States, dh = GradState, dz = GradProjected, dInner = gradInner)
            GruCell.Backward(StepPointers(t, null, null, null, recurrent, a, h, dh, dz, dInner), r0, r1);
        // dh_{t-1} = dh ⊙ z (left by the pass) + d(inner)·Uᵀ, with Uᵀ stored once per backward pass.
        AddRecurrentStateGradient(r0, r1, StepOf(gradInner, t, Width), RecurrentKernelTransposed, 0, 3, accumulate: true);
    }

    private void BackwardResetAfter(int t, Span<float> dz, int r0, int r1)
    {
        int n = Units;
        var a = StepOf(gates, t, Width);
        var z = StepOf(preActivations, t, Width);
        var recurrent = StepOf(inner, t, Width);
        var dInner = StepOf(gradInner, t, Width);
        for (int b = r0; b < r1; b++)
        {
            int row = b * Width;
            var dCandidate = dz.Slice(row + 2 * n, n);
            // d(h_{t-1}·U_h + b'_h) = dĥ_pre ⊙ r; dr = dĥ_pre ⊙ (h_{t-1}·U_h + b'_h)
            TensorPrimitives.Multiply(dCandidate, a.Slice(row + n, n), dInner.Slice(row + 2 * n, n));
            TensorPrimitives.Multiply(dCandidate, recurrent.Slice(row + 2 * n, n), gradGates.AsSpan(row + n, n));
            recurrentActivation.Backward(z.Slice(row, 2 * n), a.Slice(row, 2 * n), gradGates.AsSpan(row, 2 * n), dz.Slice(row, 2 * n), 2 * n);
            dz.Slice(row, 2 * n).CopyTo(dInner.Slice(row, 2 * n));
        }
        // dh_{t-1} = dh ⊙ z + d(inner)·Uᵀ, with Uᵀ stored once per backward pass.
        for (int b = r0; b < r1; b++)
            TensorPrimitives.Multiply(GradState.AsSpan(b * n, n), a.Slice(b * Width, n), GradState.AsSpan(b * n, n));
        AddRecurrentStateGradient(r0, r1, dInner, RecurrentKernelTransposed, 0, 3, accumulate: true);
    }

    private void BackwardResetBefore(int t, Span<float> dz, int r0, int r1)
    {
        int n = Units;
        var a = StepOf(gates, t, Width);
        var z = StepOf(preActivations, t, Width);
        var hPrev = DroppedState(t, 2);
        var candidateMask = RecurrentMask(2);
        var dCandidate = StepOf(gradCandidate!, t, n);
        var dGates = StepOf(gradRecurrentGates!, t, 2 * n);
        for (int b = r0; b < r1; b++)
            dz.Slice(b * Width + 2 * n, n).CopyTo(dCandidate.Slice(b * n, n));
        // d(r ⊙ h_{t-1}) = dĥ_pre·U_hᵀ: U_hᵀ is rows [2n, 3n) of the stored Uᵀ.
        var transposed = RecurrentKernelTransposed.AsSpan();
        MultiplyRows(r0, r1, dCandidate, transposed.Slice(2 * n * n, n * n), gradResetState, n, n, accumulate: false);
        for (int b = r0; b < r1; b++)
        {
            int row = b * Width;
            var dReset = gradResetState.AsSpan(b * n, n);
            TensorPrimitives.Multiply(dReset, hPrev.Slice(b * n, n), gradGates.AsSpan(row + n, n));
            recurrentActivation.Backward(z.Slice(row, 2 * n), a.Slice(row, 2 * n), gradGates.AsSpan(row, 2 * n), dz.Slice(row, 2 * n), 2 * n);
            dz.Slice(row, 2 * n).CopyTo(dGates.Slice(b * 2 * n, 2 * n));
            // dh_{t-1} = dh ⊙ z + d(r ⊙ h_{t-1}) ⊙ r (⊙ the candidate's recurrent mask), then + d(z, r)·U_zrᵀ below.
            var dh = GradState.AsSpan(b * n, n);
            TensorPrimitives.Multiply(dh, a.Slice(row, n), dh);
            if (candidateMask.IsEmpty) TensorPrimitives.MultiplyAdd(dReset, a.Slice(row + n, n), dh, dh);
            else
            {
                var throughReset = scratch.AsSpan(b * n, n);
                TensorPrimitives.Multiply(dReset, a.Slice(row + n, n), throughReset);
                TensorPrimitives.MultiplyAdd(throughReset, candidateMask.Slice(b * n, n), dh, dh);
            }
        }
        // + d(z, r)·U_zrᵀ: rows [0, 2n) of the stored Uᵀ.
        AddRecurrentStateGradient(r0, r1, dGates, transposed[..(2 * n * n)], 0, 2, accumulate: true);
    }

    protected override void FinishRecurrentGradients()
    {
        int n = Units, rows = Steps * Batch;
        if (resetAfter)
        {
            if (NeedsGrad(2)) AddRecurrentKernelGradient(gradInner, RecurrentKernel.Grad!.Data, 0, 3, accumulate: true);
            if (Bias is { } bias && NeedsGrad(3))
                RowVector.SumRows(gradInner, bias.Grad!.Data.AsSpan(Width, Width), accumulate: true);
            return;
        }
        if (!NeedsGrad(2)) return;
        var dU = RecurrentKernel.Grad!.Data;
        var dGatesBlock = gradRecurrentGatesBlock.AsSpan();
        AddRecurrentKernelGradient(gradRecurrentGates!, gradRecurrentGatesBlock!, 0, 2, accumulate: false);
        Gemm.Multiply(true, false, n, n, rows, resetStates, gradCandidate, gradRecurrentCandidate);
        for (int row = 0; row < n; row++)
        {
            var target = dU.AsSpan(row * Width, Width);
            TensorPrimitives.Add(target[..(2 * n)], dGatesBlock.Slice(row * 2 * n, 2 * n), target[..(2 * n)]);
            TensorPrimitives.Add(target[(2 * n)..], gradRecurrentCandidate.AsSpan(row * n, n), target[(2 * n)..]);
        }
    }
}
