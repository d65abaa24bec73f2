namespace Nabla.Autograd.Ops.Recurrent;

/// <summary>The recurrent op's output: every step's state or the last one in the caller's layout, then, when the states
/// are returned, each sample's h_T and carried state, whose gradients enter the walk back at its first step.</summary>
internal abstract partial class RecurrentOp
{
    /// <summary>Checks a given initial state against the batch: [batch, <paramref name="size"/>], for a cell that carries it.</summary>
    private void CheckInitialState(string what, Tensor? state, int size)
    {
        if (state is null) return;
        if (size == 0)
            throw new ArgumentException($"The recurrent op '{Name}' carries no second state; an {what} was given.");
        if (state.Rank != 2 || state.Shape[0] != Batch || state.Shape[1] != size)
            throw new ArgumentException(
                $"The {what} of a recurrent op is [batch, units] = [{Batch}, {size}]; found {Tensor.ShapeString(state.Shape)}.");
    }

    /// <summary>The output's rows per sample before the final states: every step's, or the last one's (what a layer
    /// returns as its first output).</summary>
    protected int SequenceRowsPerSample => returnSequences ? Steps : 1;

    /// <summary>The shape of the output without the final states: [batch, steps, units] or [batch, units].</summary>
    protected int[] SequenceOutputShape => returnSequences ? [Batch, Steps, Units] : [Batch, Units];

    /// <summary>The sequence of states in processing order ([batch, steps, units]), or the last state; then, when the
    /// states are returned, each sample's h_T and carried state.</summary>
    private void WriteOutput()
    {
        WriteInOutputLayout(States, Output.Data, firstStep: 1, outputRowsPerSample);
        if (returnState)
            for (int b = 0; b < Batch; b++)
            {
                int row = b * outputRowsPerSample + SequenceRowsPerSample;
                State(Steps).Slice(b * Units, Units).CopyTo(Output.Data.AsSpan(row * Units, Units));
                if (carriedStateSize > 0)
                    CarriedState(Steps).Slice(b * Units, Units).CopyTo(Output.Data.AsSpan((row + 1) * Units, Units));
            }
        if (!zeroOutputForMask) return;
        for (int b = 0; b < Batch; b++)
            for (int t = returnSequences ? 0 : Steps - 1; t < Steps; t++)
                if (IsMasked(t, b)) Output.Data.AsSpan((b * outputRowsPerSample + (returnSequences ? t : 0)) * Units, Units).Clear();
    }

    /// <summary>Adds each sample's final-state gradients from the packed output into dLoss/dh_T and the carried state's.</summary>
    private void SeedFinalStateGradients()
    {
        var dOutput = Output.Grad!.Data;
        var carriedGradient = CarriedStateGradient;
        for (int b = 0; b < Batch; b++)
        {
            int row = b * outputRowsPerSample + SequenceRowsPerSample;
            dOutput.AsSpan(row * Units, Units).CopyTo(GradState.AsSpan(b * Units, Units));
            if (carriedStateSize > 0) dOutput.AsSpan((row + 1) * Units, Units).CopyTo(carriedGradient.Slice(b * Units, Units));
        }
    }

    /// <summary>Copies per-step values, time-major [.., batch, units] from step <paramref name="firstStep"/> on, into
    /// the output's layout: every step batch-major when returning sequences, else the last step, sample b's rows starting
    /// at row b·<paramref name="rowsPerSample"/>.</summary>
    protected void WriteInOutputLayout(float[] timeMajor, Span<float> target, int firstStep, int rowsPerSample)
    {
        int size = Batch * Units;
        if (!returnSequences && rowsPerSample == 1)
        {
            // The last step's states are already [batch, units], the output's layout.
            timeMajor.AsSpan((firstStep + Steps - 1) * size, size).CopyTo(target);
            return;
        }
        for (int b = 0; b < Batch; b++)
            if (returnSequences)
                for (int t = 0; t < Steps; t++)
                    timeMajor.AsSpan((firstStep + t) * size + b * Units, Units).CopyTo(target.Slice((b * rowsPerSample + t) * Units, Units));
            else
                timeMajor.AsSpan((firstStep + Steps - 1) * size + b * Units, Units).CopyTo(target.Slice(b * rowsPerSample * Units, Units));
    }

    /// <summary>Writes h_T (and the carried state) into the initial state tensors, which a stateful layer passes again at
    /// its next call; the backward pass reads the copies made at this call's start, not those tensors.</summary>
    private void CarryFinalStates()
    {
        State(Steps).CopyTo(Inputs[initialStateInput].Data);
        if (initialCarriedInput >= 0) CarriedState(Steps).CopyTo(Inputs[initialCarriedInput].Data);
    }
}
