namespace Nabla.Optimizers;

/// <summary>
/// What an update rule that is not element-wise needs from the base optimizer (Adafactor's row, column and RMS
/// reductions span a whole weight, so it updates each weight at once rather than range by range): its own data per
/// parameter, found with the parameter's state, and a way to refuse the step in flight when a value it wrote outside
/// the range it was handed is not finite.
/// </summary>
public abstract partial class Optimizer
{
    /// <summary>What the rule keeps for a parameter of shape <paramref name="parameterShape"/> beside its state arrays
    /// (<see cref="ParameterState.Scratch"/>); made with the state, on the calling thread. None by default.</summary>
    private protected virtual object? NewScratch(int[] parameterShape) => null;

    /// <summary>Refuses the step in flight, as the guard does when a range it checked is not finite: every parameter
    /// the step touched is put back. Only meaningful while <see cref="RefuseNonFiniteUpdates"/> is on.</summary>
    private protected void RefuseStepInFlight() => stepOverflowed = true;
}
