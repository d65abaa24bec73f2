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
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"nabla: error: {OneLine(Message(e))}");
            return UsageExitCode;
        }
    }

    /// <summary>The library's documented exceptions: bad arguments or files (ArgumentException family, FormatException,
    /// DataFormatException, InvalidDataException), missing or unreadable files, features a file asks for that Nabla
    /// does not implement (NotSupportedException), and a model or data set too large for this machine.</summary>
    internal static bool IsUserError(Exception e) =>
        e is ArgumentException or FormatException or DataFormatException or InvalidDataException or InvalidOperationException
            or IOException or UnauthorizedAccessException or KeyNotFoundException or NotSupportedException
            or OutOfMemoryException;

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    /// <summary>The message without .NET's " (Parameter 'name')" suffix, which names a C# argument, not the user's input.</summary>
    public static string Message(Exception e) =>
        e is ArgumentException { ParamName: { } name } && e.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
            ? e.Message[..^$" (Parameter '{name}')".Length]
            : e.Message;
}
