using System.CommandLine;
using Nabla.Cli.Commands;

namespace Nabla.Tests.Cli;

/// <summary><c>nabla</c>, <c>nabla --help</c> and a command's help name the tool "nabla", however it is started
/// (as a .NET tool it runs as <c>dotnet Nabla.Cli.dll</c>, which System.CommandLine would call "Nabla.Cli").</summary>
public sealed class CliUsageTests
{
    private static (int exit, string output) Run(params string[] args)
    {
        var output = new StringWriter();
        var parsed = NablaRoot.Create().Parse(args);
        Assert.Empty(parsed.Errors);
        int exit = parsed.Invoke(new InvocationConfiguration { Output = output, Error = output });
        return (exit, output.ToString());
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Root_usage_starts_with_the_tool_name_and_lists_every_command(params string[] args)
    {
        var (exit, output) = Run(args);
        Assert.Equal(0, exit);
        Assert.StartsWith("Usage: nabla <command> [options]", output);
        foreach (var command in CommandCatalog.All()) Assert.Contains($"  {command.Name} ", output);
        Assert.DoesNotContain("Nabla.Cli", output);
    }

    [Fact]
    public void A_commands_help_names_the_tool_nabla()
    {
        var (exit, output) = Run("doctor", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("nabla doctor <experiment>", output);
        Assert.DoesNotContain("Nabla.Cli", output);
    }
}
