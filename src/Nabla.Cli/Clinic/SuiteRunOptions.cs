namespace Nabla.Cli.Clinic;

/// <summary>How <see cref="SuiteRunner.Run"/> runs a suite.</summary>
/// <param name="Repair">Try the doctor's repair on every faulty case (slower); false diagnoses only.</param>
/// <param name="Filter">Only files whose name contains this text; null runs all.</param>
/// <param name="Half">With a published suite's split.json: only its "tuning" or "evaluation" half; null runs both.</param>
/// <param name="Details">Under each case, the evidence of its errors and its repair attempts with their numbers.</param>
/// <param name="ReportDirectory">Where to write each case's findings.json, history.csv and monitors.csv, in a subfolder
/// named after the case (its run before any repair, with the repair's attempts in findings.json); null writes nothing.</param>
/// <param name="SeedOffset">Added to every experiment's seed (fit.seed): the same programs on the same data from another
/// start of the weights and another batch order, to measure how much of a score is the draw.</param>
/// <param name="Draws">How many times to run the suite, the draw d (from 0) at seed offset <see cref="SeedOffset"/> + d; with
/// more than one, the scores of every draw side by side and which cases changed their outcome between draws.</param>
internal sealed record SuiteRunOptions(bool Repair = true, string? Filter = null, string? Half = null, bool Details = false,
    string? ReportDirectory = null, int SeedOffset = 0, int Draws = 1);
