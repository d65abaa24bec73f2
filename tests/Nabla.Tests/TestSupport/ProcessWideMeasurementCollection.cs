namespace Nabla.Tests.TestSupport;

/// <summary>
/// Tests that measure the whole process (the GC heap's size) or change it (the process-wide training interrupt): they
/// run alone, since whatever a test running beside them holds would count in the measurement, and a Fit running beside
/// an interrupt would stop with it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMeasurementCollection
{
    public const string Name = "Process-wide measurements";
}
