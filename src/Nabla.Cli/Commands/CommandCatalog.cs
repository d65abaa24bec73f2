using System.CommandLine;

namespace Nabla.Cli.Commands;

/// <summary>Every subcommand of <c>nabla</c>; each lives in its own file as a static <c>Create()</c>.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        ClinicCommand.Create(),
        DoctorCommand.Create(),
        GradientsCommand.Create(),
        BenchCommand.Create(),
        DataCommand.Create(),
        SummaryCommand.Create(),
        ConvertCommand.Create(),
    ];
}
