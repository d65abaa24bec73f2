using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops.Recurrent;

/// <summary>
/// A Keras LSTM over a whole sequence. Gates in Keras's column order i, f, c, o:
/// z = x·W + h_{t-1}·U + b; i, f, o = recurrent_activation(z); g = activation(z_c);
/// c_t = f ⊙ c_{t-1} + i ⊙ g; h_t = o ⊙ activation(c_t).
/// The recurrent product of each step is added by the GEMM straight onto the step's input projection, which so
/// becomes z. Gate values and cells of every step are kept: the backward pass needs them, and the doctor reads the
/// forget and input gates for saturation. With Keras's default activations (sigmoid, tanh) the gate math of a step
/// is one fused pass (<see cref="LstmCell"/>); other activations go through their kernels.
/// </summary>
internal sealed unsafe class LstmOp : RecurrentOp, IGatedOp
{
    private readonly IActivationKernel activation, recurrentActivation;
    private readonly bool fused;
    private readonly float[] gates, cells, cellActivations;
    private readonly float[] gradGates, gradCell, gradCellActivation, scratch;

    public LstmOp(Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias, IActivationKernel activation,
        IActivationKernel recurrentActivation, RecurrentOptions options)
        : base(x, kernel, recurrentKernel, bias, 4, options, carriedStateSize: recurrentKernel.Shape[0])
    {
        if (bias is not null) CheckWeight("bias", bias, [Width]);
        this.activation = activation;
        this.recurrentActivation = recurrentActivation;
        fused = activation is IGateFunction { Gate: GateFunction.Tanh } && recurrentActivation is IGateFunction { Gate: GateFunction.Sigmoid };
        gates = new float[Steps * Batch * Width];
        cells = new float[(Steps + 1) * Batch * Units];
        cellActivations = new float[Steps * Batch * Units];
        gradCell = new float[Batch * Units];
        // Scratch of the unfused path, per batch row so that row groups can run at once.
        gradGates = fused ? [] : new float[Batch * Width];
        gradCellActivation = fused ? [] : new float[Batch * Units];
        scratch = fused ? [] : new float[Batch * Units];
    }

    public override string Name => "lstm";

    /// <summary>Gate values after their activations, time-major [steps, batch, 4·units] (i, f, c, o).</summary>
    public ReadOnlySpan<float> GateValues => gates;

    public int GateColumns => 4;

    public int GateUnits => Units;

    protected override void AddInputBias(Span<float> projected)
    {
        if (Bias is { } bias) RowVector.AddToRows(projected, bias.Data);
    }

    protected override void AddInputBiasGradient(ReadOnlySpan<float> gradProjected)
    {
        if (Bias is { } bias && NeedsGrad(3)) RowVector.SumRows(gradProjected, bias.Grad!.Data, accumulate: true);
    }

    /// <summary>z_t = (x_t·W + b) + h_{t-1}·U, accumulated in place in the step's rows of <see cref="RecurrentOp.Projected"/>.</summary>
    protected override void MultiplyRecurrent(int t, int r0, int r1) =>
        MultiplyRecurrentBlocks(t, r0, r1, RecurrentKernel.Data, 0, 4, StepOf(Projected, t, Width), accumulate: true);

    protected override void ForwardStep(int t, int r0, int r1)
    {
        if (fused) ForwardFused(t, r0, r1);
        else ForwardUnfused(t, r0, r1);
    }

    private void ForwardFused(int t, int r0, int r1)
    {
        fixed (float* z = Projected, a = gates, c = cells, cAct = cellActivations, h = States)
            LstmCell.Forward(StepPointers(t, z, a, c, cAct, h, null, null, null), r0, r1);
    }

    private void ForwardUnfused(int t, int r0, int r1)
    {
        int u = Units;
        var z = StepOf(Projected, t, Width);
        var a = StepOf(gates, t, Width);
        var cPrev = StepOf(cells, t, u);
        var cNext = StepOf(cells, t + 1, u);
        var cActs = StepOf(cellActivations, t, u);
        var h = State(t + 1);
        for (int b = r0; b < r1; b++)
        {
            var row = a.Slice(b * Width, Width);
            recurrentActivation.Forward(z.Slice(b * Width, Width), row, Width);
            Span<float> i = row[..u], f = row.Slice(u, u), g = row.Slice(2 * u, u), o = row.Slice(3 * u, u);
            // The recurrent activation ran over the candidate's columns too; they are redone here.
            activation.Forward(z.Slice(b * Width + 2 * u, u), g, u);
            var c = cNext.Slice(b * u, u);
            TensorPrimitives.Multiply(f, cPrev.Slice(b * u, u), c);
            TensorPrimitives.MultiplyAdd(i, g, c, c);
            activation.Forward(c, cActs.Slice(b * u, u), u);
            TensorPrimitives.Multiply(o, cActs.Slice(b * u, u), h.Slice(b * u, u));
        }
    }

    protected override void BeginBackward() => Array.Clear(gradCell);

    protected override Span<float> CarriedState(int t) => StepOf(cells, t, Units);

    protected override Span<float> CarriedStateGradient => gradCell;

    protected override void BackwardStep(int t, int r0, int r1)
    {
        if (fused)
        {
            fixed (float* a = gates, c = cells, cAct = cellActivations, dh = GradState, dc = gradCell, dz = GradProjected)
                LstmCell.Backward(StepPointers(t, null, a, c, cAct, null, dh, dc, dz), r0, r1);
        }
        else BackwardGatesUnfused(t, r0, r1);
        // dh_{t-1} = dz·Uᵀ, with Uᵀ stored once per backward pass.
        AddRecurrentStateGradient(r0, r1, StepOf(GradProjected, t, Width), RecurrentKernelTransposed, 0, 4, accumulate: false);
    }

    private LstmCell.Step StepPointers(int t, float* z, float* a, float* c, float* cAct, float* h, float* dh, float* dc, float* dz)
    {
        int u = Units, rowSize = Batch * u, gateSize = Batch * Width;
        return new LstmCell.Step
        {
            PreActivations = z + (nint)t * gateSize,
            Gates = a + (nint)t * gateSize,
            CellPrevious = c + (nint)t * rowSize,
            Cell = c + (nint)(t + 1) * rowSize,
            CellActivation = cAct + (nint)t * rowSize,
            State = h + (nint)(t + 1) * rowSize,
            GradState = dh,
            GradCell = dc,
            GradPreActivations = dz + (nint)t * gateSize,
            Units = u,
        };
    }

    private void BackwardGatesUnfused(int t, int r0, int r1)
    {
        int u = Units;
        var z = StepOf(Projected, t, Width);
        var a = StepOf(gates, t, Width);
        var cPrev = StepOf(cells, t, u);
        var cNext = StepOf(cells, t + 1, u);
        var cAct = StepOf(cellActivations, t, u);
        var dz = StepOf(GradProjected, t, Width);
        for (int b = r0; b < r1; b++)
        {
            var row = a.Slice(b * Width, Width);
            Span<float> i = row[..u], f = row.Slice(u, u), g = row.Slice(2 * u, u), o = row.Slice(3 * u, u);
            var dRow = gradGates.AsSpan(b * Width, Width);
            Span<float> di = dRow[..u], df = dRow.Slice(u, u), dg = dRow.Slice(2 * u, u), dO = dRow.Slice(3 * u, u);
            var dh = GradState.AsSpan(b * u, u);
            var dc = gradCell.AsSpan(b * u, u);
            var cActRow = cAct.Slice(b * u, u);
            var dhTimesO = scratch.AsSpan(b * u, u);
            var dCellActivation = gradCellActivation.AsSpan(b * u, u);
            // do = dh ⊙ act(c); dc += act'(c) ⊙ (dh ⊙ o)
            TensorPrimitives.Multiply(dh, cActRow, dO);
            TensorPrimitives.Multiply(dh, o, dhTimesO);
            activation.Backward(cNext.Slice(b * u, u), cActRow, dhTimesO, dCellActivation, u);
            TensorPrimitives.Add(dc, dCellActivation, dc);
            TensorPrimitives.Multiply(dc, g, di);
            TensorPrimitives.Multiply(dc, i, dg);
            TensorPrimitives.Multiply(dc, cPrev.Slice(b * u, u), df);
            // The cell's gradient flows on to c_{t-1} through the forget gate.
            TensorPrimitives.Multiply(dc, f, dc);
            int offset = b * Width;
            recurrentActivation.Backward(z.Slice(offset, Width), row, dRow, dz.Slice(offset, Width), Width);
            activation.Backward(z.Slice(offset + 2 * u, u), g, dg, dz.Slice(offset + 2 * u, u), u);
        }
    }

    protected override void FinishRecurrentGradients()
    {
        // U (+)= Σ_t h_{t-1}ᵀ·dz_t: the states h_0 … h_{T-1} against every step's dz, in one GEMM.
        if (NeedsGrad(2)) AddRecurrentKernelGradient(GradProjected, RecurrentKernel.Grad!.Data, 0, 4, accumulate: true);
    }
}
