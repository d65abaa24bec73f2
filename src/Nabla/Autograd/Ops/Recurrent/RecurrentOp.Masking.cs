namespace Nabla.Autograd.Ops.Recurrent;

/// <summary>Keras's timestep mask in the walks through time: a masked step keeps the state, and its gradient crosses
/// the step unchanged.</summary>
internal abstract partial class RecurrentOp
{
    private bool IsMasked(int t, int b) => stepMask is not null && stepMask[t * Batch + b] == 0f;

    /// <summary>Whether the output at processing step t is zero for sample b (a masked step with zero_output_for_mask).</summary>
    private bool OutputIsZero(int t, int b) => zeroOutputForMask && IsMasked(t, b);

    /// <summary>A masked sample keeps h_t (and the carried state) as h_{t+1}, whatever the cell computed.</summary>
    private void KeepMaskedStates(int t, int r0, int r1)
    {
        int carried = CarriedState(t).Length / Batch;
        for (int b = r0; b < r1; b++)
        {
            if (!IsMasked(t, b)) continue;
            State(t).Slice(b * Units, Units).CopyTo(State(t + 1).Slice(b * Units, Units));
            if (carried > 0) CarriedState(t).Slice(b * carried, carried).CopyTo(CarriedState(t + 1).Slice(b * carried, carried));
        }
    }

    /// <summary>Walks back step t where some samples are masked: their state gradients are held out of the cell's
    /// backward (which then gives their gates no gradient) and put back unchanged as dLoss/dh_t.</summary>
    private void BackwardStepKeepingMaskedRows(int t, int r0, int r1)
    {
        var carriedGradient = CarriedStateGradient;
        int carried = carriedGradient.Length / Batch;
        for (int b = r0; b < r1; b++)
        {
            if (!IsMasked(t, b)) continue;
            MoveRow(GradState, heldStateGradient, b, Units);
            if (carried > 0) MoveRow(carriedGradient, heldCarriedGradient, b, carried);
        }
        BackwardStep(t, r0, r1);
        carriedGradient = CarriedStateGradient;
        for (int b = r0; b < r1; b++)
        {
            if (!IsMasked(t, b)) continue;
            heldStateGradient.AsSpan(b * Units, Units).CopyTo(GradState.AsSpan(b * Units, Units));
            if (carried > 0) heldCarriedGradient.AsSpan(b * carried, carried).CopyTo(carriedGradient.Slice(b * carried, carried));
        }
    }

    /// <summary>Copies row <paramref name="b"/> of <paramref name="source"/> into <paramref name="held"/> and clears it.</summary>
    private static void MoveRow(Span<float> source, Span<float> held, int b, int width)
    {
        var row = source.Slice(b * width, width);
        row.CopyTo(held.Slice(b * width, width));
        row.Clear();
    }
}
