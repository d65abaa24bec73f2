using System.CommandLine;
using Nabla.Cli.Commands;

namespace Nabla.Tests.TestSupport;

/// <summary>Runs a <c>nabla</c> command line in process, through the CLI's own root command, and captures what the
/// command writes to its invocation's output and error.</summary>
internal static class CliRun
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = NablaRoot.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
