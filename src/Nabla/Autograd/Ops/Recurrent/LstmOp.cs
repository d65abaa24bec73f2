using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops.Recurrent;

/// <summary>
/// A Keras LSTM over a whole sequence. Gates in Keras's column order i, f, c, o:
/// z = x·W + h_{t-1}·U + b; i, f, o = recurrent_activation(z); g = activation(z_c);
/// c_t = f ⊙ c_{t-1} + i ⊙ g; h_t = o ⊙ activation(c_t).
/// Pre-activations and gate values of every step are kept: the backward pass needs them, and the
/// doctor reads the forget and input gates for saturation.
/// </summary>
internal sealed class LstmOp : RecurrentOp, IGatedOp
{
    private readonly IActivationKernel activation, recurrentActivation;
    private readonly float[] preActivations, gates, cells, cellActivations;
    private readonly float[] gradGates, gradCell, gradCellActivation, scratch;

    public LstmOp(Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias, IActivationKernel activation,
        IActivationKernel recurrentActivation, RecurrentOptions options)
        : base(x, kernel, recurrentKernel, bias, 4, options, carriedStateSize: recurrentKernel.Shape[0])
    {
        if (bias is not null) CheckWeight("bias", bias, [Width]);
        this.activation = activation;
        this.recurrentActivation = recurrentActivation;
        preActivations = new float[Steps * Batch * Width];
        gates = new float[Steps * Batch * Width];
        cells = new float[(Steps + 1) * Batch * Units];
        cellActivations = new float[Steps * Batch * Units];
        gradGates = new float[Batch * Width];
        gradCell = new float[Batch * Units];
        gradCellActivation = new float[Units];
        scratch = new float[Units];
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

    protected override void ForwardStep(int t)
    {
        int u = Units;
        var z = StepOf(preActivations, t, Width);
        var a = StepOf(gates, t, Width);
        TensorPrimitives.Add(StepOf(Projected, t, Width), RecurrentStepProduct, z);
        // The recurrent activation over all four gates in one pass; the candidate's columns are redone below.
        recurrentActivation.Forward(z, a, Width);
        var cPrev = StepOf(cells, t, u);
        var c = StepOf(cells, t + 1, u);
        var cAct = StepOf(cellActivations, t, u);
        var h = State(t + 1);
        for (int b = 0; b < Batch; b++)
        {
            var row = a.Slice(b * Width, Width);
            Span<float> i = row[..u], f = row.Slice(u, u), g = row.Slice(2 * u, u), o = row.Slice(3 * u, u);
            activation.Forward(z.Slice(b * Width + 2 * u, u), g, u);
            var cRow = c.Slice(b * u, u);
            TensorPrimitives.Multiply(f, cPrev.Slice(b * u, u), cRow);
            TensorPrimitives.MultiplyAdd(i, g, cRow, cRow);
            activation.Forward(cRow, cAct.Slice(b * u, u), u);
            TensorPrimitives.Multiply(o, cAct.Slice(b * u, u), h.Slice(b * u, u));
        }
    }

    protected override void BeginBackward() => Array.Clear(gradCell);

    protected override Span<float> CarriedState(int t) => StepOf(cells, t, Units);

    protected override Span<float> CarriedStateGradient => gradCell;

    protected override void BackwardStep(int t)
    {
        int u = Units;
        var z = StepOf(preActivations, t, Width);
        var a = StepOf(gates, t, Width);
        var cPrev = StepOf(cells, t, u);
        var c = StepOf(cells, t + 1, u);
        var cAct = StepOf(cellActivations, t, u);
        var dz = StepOf(GradProjected, t, Width);
        for (int b = 0; b < Batch; b++)
        {
            var row = a.Slice(b * Width, Width);
            Span<float> i = row[..u], f = row.Slice(u, u), g = row.Slice(2 * u, u), o = row.Slice(3 * u, u);
            var dRow = gradGates.AsSpan(b * Width, Width);
            Span<float> di = dRow[..u], df = dRow.Slice(u, u), dg = dRow.Slice(2 * u, u), dO = dRow.Slice(3 * u, u);
            var dh = GradState.AsSpan(b * u, u);
            var dc = gradCell.AsSpan(b * u, u);
            var cActRow = cAct.Slice(b * u, u);
            // do = dh ⊙ act(c); dc += act'(c) ⊙ (dh ⊙ o)
            TensorPrimitives.Multiply(dh, cActRow, dO);
            TensorPrimitives.Multiply(dh, o, scratch);
            activation.Backward(c.Slice(b * u, u), cActRow, scratch, gradCellActivation, u);
            TensorPrimitives.Add(dc, gradCellActivation, dc);
            TensorPrimitives.Multiply(dc, g, di);
            TensorPrimitives.Multiply(dc, i, dg);
            TensorPrimitives.Multiply(dc, cPrev.Slice(b * u, u), df);
            // The cell's gradient flows on to c_{t-1} through the forget gate.
            TensorPrimitives.Multiply(dc, f, dc);
        }
        recurrentActivation.Backward(z, a, gradGates, dz, Width);
        for (int b = 0; b < Batch; b++)
        {
            int offset = b * Width + 2 * u;
            activation.Backward(z.Slice(offset, u), a.Slice(offset, u), gradGates.AsSpan(offset, u), dz.Slice(offset, u), u);
        }
        // dh_{t-1} = dz·Uᵀ
        Gemm.Multiply(false, true, Batch, u, Width, dz, RecurrentKernel.Data, GradState);
        MaskStateGradient();
    }

    protected override void FinishRecurrentGradients()
    {
        // U (+)= Σ_t h_{t-1}ᵀ·dz_t: the states h_0 … h_{T-1} against every step's dz, in one GEMM.
        if (NeedsGrad(2))
            Gemm.Multiply(true, false, Units, Width, Steps * Batch, RecurrentInputs, GradProjected,
                RecurrentKernel.Grad!.Data, accumulate: true);
    }
}
