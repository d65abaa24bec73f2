namespace Nabla;

/// <summary>
/// The checks <c>Model.Fit</c> runs before training, supplied from above the models: the training doctor adds
/// its pre-flight check when the library loads, so models need not know the doctor. Checks are only added,
/// never replaced: a user's check runs beside the doctor's.
/// </summary>
public static class PreflightCheck
{
    private static readonly Lock Gate = new();
    private static Func<Model, Tensor, Tensor, IEnumerable<string>>[] checks = [];

    /// <summary>Every registered check, in the order added.</summary>
    public static IReadOnlyList<Func<Model, Tensor, Tensor, IEnumerable<string>>> Checks => Volatile.Read(ref checks);

    /// <summary>Adds a check: given a compiled model and its training data, the warnings to print before training.</summary>
    public static void Add(Func<Model, Tensor, Tensor, IEnumerable<string>> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        lock (Gate) Volatile.Write(ref checks, [.. checks, check]);
    }

    /// <summary>The warnings of every check, in the order the checks were added.</summary>
    public static IEnumerable<string> Warnings(Model model, Tensor x, Tensor y)
    {
        foreach (var check in Checks)
            foreach (var warning in check(model, x, y))
                yield return warning;
    }
}
