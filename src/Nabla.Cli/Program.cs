using Nabla.Cli.Commands;

var parsed = NablaRoot.Create().Parse(args);
if (parsed.Errors.Count > 0)
{
    // One clear line and exit 2 for usage errors, as the CLI contract says (System.CommandLine would print help and exit 1).
    Console.Error.WriteLine($"nabla: {parsed.Errors[0].Message} (see 'nabla {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(1))} --help')");
    return CliErrors.UsageExitCode;
}
return parsed.Invoke();
