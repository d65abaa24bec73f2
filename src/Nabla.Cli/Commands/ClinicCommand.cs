using System.CommandLine;
using Nabla.Cli.Clinic;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla clinic [--report DIR] [--epochs N] | (--suite DIR [--half tuning|evaluation] | --rnn) [--details] [--no-repair] [--filter TEXT] [--seed-offset K] [--draws N] [--report DIR]</c></summary>
internal static class ClinicCommand
{
    public static Command Create()
    {
        var report = new Option<string?>("--report") { Description = "Write findings.json, history.csv and monitors.csv per run into this folder, and report.html (all runs, with charts) for the seed's programs; with --suite, one subfolder per case." };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run of the seed's programs (they use 10); a suite's experiments set their own.", DefaultValueFactory = _ => 10 };
        var suite = new Option<string?>("--suite") { Description = "Run the labelled experiments in this folder and report the doctor's accuracy." };
        var noRepair = new Option<bool>("--no-repair") { Description = "With --suite: detection only, skip repairs." };
        var filter = new Option<string?>("--filter") { Description = "With --suite or --rnn: only files whose name contains this text." };
        var half = new Option<string?>("--half") { Description = "With --suite of published programs: only the 'tuning' or the 'evaluation' half named by its split.json." };
        var showDetails = new Option<bool>("--details") { Description = "With --suite: under each case, the evidence of its errors and its repair attempts with their numbers (always on with --rnn)." };
        var seedOffset = new Option<int>("--seed-offset") { Description = "With --suite or --rnn: add this to every experiment's fit.seed (another start of the weights, another batch order), to see how much of a score is the draw." };
        var draws = new Option<int>("--draws") { Description = "With --suite or --rnn: run the suite this many times, from fit.seed + the seed offset, + 1, ...; prints every draw's scores side by side and the cases whose outcome changed.", DefaultValueFactory = _ => 1 };
        var rnn = new Option<bool>("--rnn") { Description = "Run the recurrent clinic (tests/Clinic/recurrent of this checkout): SimpleRNN, LSTM and GRU cases, diagnosed and repaired." };
        var command = new Command("clinic", "Reproduce three Keras programs of a vanishing-gradient question on real MNIST digits, diagnose and repair them.")
        {
            report, epochs, suite, noRepair, filter, half, showDetails, seedOffset, draws, rnn,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            int n = parse.GetValue(epochs);
            if (n <= 0) throw new ArgumentException($"--epochs must be positive, found {n}.");
            string? folder = parse.GetValue(suite);
            if (parse.GetValue(rnn))
            {
                if (folder is not null) throw new ArgumentException("--rnn runs its own suite; give --rnn or --suite, not both.");
                folder = RecurrentSuiteFolder();
            }
            if (folder is not null)
            {
                // Each experiment file sets its own epochs: a number given here would be silently ignored.
                if (parse.GetResult(epochs) is { Implicit: false })
                    throw new ArgumentException($"--epochs {n} applies to the seed's programs; each experiment of a suite sets its own (its fit.epochs).");
                var options = new SuiteRunOptions(Repair: !parse.GetValue(noRepair), Filter: parse.GetValue(filter), Half: parse.GetValue(half),
                    Details: parse.GetValue(rnn) || parse.GetValue(showDetails), ReportDirectory: parse.GetValue(report),
                    SeedOffset: parse.GetValue(seedOffset), Draws: parse.GetValue(draws));
                SuiteRunner.Run(folder, options, Console.Out);
                return 0;
            }
            if (SuiteOnly(parse, noRepair, filter, half, showDetails, seedOffset, draws) is string given)
                throw new ArgumentException($"{given} applies to a suite (--suite DIR or --rnn); the seed's programs take --report and --epochs only.");
            return SeedClinic.Run(n, parse.GetValue(report), Console.Out);
        }));
        return command;
    }

    /// <summary>The first suite-only option given on the command line, or null.</summary>
    private static string? SuiteOnly(ParseResult parse, params Option[] options) =>
        options.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false })?.Name;

    /// <summary>tests/Clinic/recurrent of the checkout this command runs from: the current folder or one above it.</summary>
    private static string RecurrentSuiteFolder()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Nabla.sln")))
                return Path.Combine(dir.FullName, "tests", "Clinic", "recurrent");
        throw new DirectoryNotFoundException(
            $"--rnn needs a Nabla checkout: no Nabla.sln in '{Directory.GetCurrentDirectory()}' or above. Use --suite DIR instead.");
    }
}
