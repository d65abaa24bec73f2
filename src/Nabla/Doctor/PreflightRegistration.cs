using System.Runtime.CompilerServices;

namespace Nabla.Doctor;

/// <summary>Plugs the doctor's pre-flight check into <c>Model.Fit</c> through <see cref="PreflightCheck"/>.</summary>
internal static class PreflightRegistration
{
    // A library module initializer is deliberate here: it is the one place where the doctor plugs into Fit.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        PreflightCheck.Add((model, x, y) => TrainingDoctor.Preflight(model, x, y).Findings
            .Where(f => f.Severity >= Severity.Warning)
            .Select(f => f.ToString()));
}
