namespace Nabla.Tests.TestSupport;

/// <summary>What an action writes to the process's standard error (other tests running meanwhile may add to it).</summary>
internal static class StandardError
{
    public static string Capture(Action action)
    {
        var saved = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            action();
        }
        finally
        {
            Console.SetError(saved);
        }
        return captured.ToString();
    }
}
