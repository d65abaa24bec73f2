using Nabla.Data;

namespace Nabla.Cli.Commands;

/// <summary>Turns the errors a user can cause (bad files, bad arguments) into one line on stderr and exit 2.</summary>
internal static class CliErrors
{
    public const int UsageExitCode = 2;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or FileNotFoundException or DirectoryNotFoundException
                                   or DataFormatException or InvalidOperationException or NotSupportedException or IOException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"nabla: error: {e.Message}");
            return UsageExitCode;
        }
    }
}
