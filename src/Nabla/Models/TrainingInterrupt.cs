namespace Nabla;

/// <summary>
/// A process-wide request to stop training, for a Ctrl+C handler: every running <c>Fit</c> stops at the end of
/// its current batch (callbacks' <c>OnTrainEnd</c> still run, so a doctor still gives its diagnosis so far).
/// The request stays until <see cref="Reset"/>.
/// </summary>
public static class TrainingInterrupt
{
    private static volatile bool requested;

    public static bool IsRequested => requested;

    /// <summary>Asks every running and later <c>Fit</c> to stop after its current batch. Safe from a signal handler.</summary>
    public static void Request() => requested = true;

    public static void Reset() => requested = false;
}
