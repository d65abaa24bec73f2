using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Nabla.Cli.Commands;

/// <summary>
/// The <c>nabla</c> root command. System.CommandLine's <see cref="RootCommand"/> names itself after the executable
/// (<c>Nabla.Cli</c> when run as <c>dotnet Nabla.Cli.dll</c>, as a .NET tool is), so its help would say
/// "Nabla.Cli"; a plain command named <c>nabla</c> with the same help and version options says "nabla".
/// </summary>
internal static class NablaRoot
{
    public const string Name = "nabla";

    public const string UsageLine = "Usage: nabla <command> [options]";

    public static Command Create()
    {
        var help = new HelpOption();
        var root = new Command(Name, "Nabla: train neural networks in C#, and find out why they do not learn.")
        {
            Options = { help, new VersionOption() },
        };
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        var usage = new RootUsageAction(root);
        help.Action = usage;
        // With no command, show the usage (what to type next) rather than an error.
        root.SetAction(parsed => usage.Invoke(parsed));
        return root;
    }

    /// <summary><c>nabla</c> and <c>nabla --help</c>: the usage line first, then the commands; a subcommand's
    /// <c>--help</c> is System.CommandLine's own.</summary>
    private sealed class RootUsageAction(Command root) : SynchronousCommandLineAction
    {
        /// <summary>As System.CommandLine's help: <c>nabla doctor --help</c> shows help, not "argument missing".</summary>
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            if (parseResult.CommandResult.Command != root) return new HelpAction().Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(UsageLine);
            output.WriteLine();
            output.WriteLine(root.Description);
            output.WriteLine();
            output.WriteLine("Commands:");
            int width = Math.Max(root.Subcommands.Max(c => c.Name.Length), "-h, --help".Length) + 2;
            foreach (var command in root.Subcommands) output.WriteLine($"  {command.Name.PadRight(width)}{command.Description}");
            output.WriteLine();
            output.WriteLine("Options:");
            output.WriteLine($"  {"-h, --help".PadRight(width)}Show this usage, or a command's with 'nabla <command> --help'");
            output.WriteLine($"  {"--version".PadRight(width)}Show the version");
            return 0;
        }
    }
}
