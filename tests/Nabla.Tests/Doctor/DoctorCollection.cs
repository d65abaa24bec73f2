namespace Nabla.Tests.Doctor;

/// <summary>
/// Tests that train under a seed (the doctor's, the clinic's, the CLI's) or capture the console. Training seeds
/// and draws from the process-wide generator (<see cref="Utils.Random"/>), so a run in parallel with another
/// test is not reproducible; this collection runs alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DoctorCollection
{
    public const string Name = "Doctor (seeded training, console)";
}
