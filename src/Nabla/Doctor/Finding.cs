namespace Nabla.Doctor;

/// <summary>How much a finding matters: an error stops a network from learning; a warning slows it or
/// risks it; info is worth knowing.</summary>
public enum Severity { Info, Warning, Error }

/// <summary>A suggested change, with a stable code (see <see cref="FixCodes"/>).</summary>
public sealed record Fix(string Code, string Description);

/// <summary>
/// One thing the doctor found: a stable code (see <see cref="FindingCodes"/>), where (layer) and when
/// (epoch, step) it was first seen, the numbers that triggered it with their threshold, a plain-words
/// explanation, and fixes in the order worth trying.
/// </summary>
public sealed record Finding
{
    public required string Code { get; init; }

    public required Severity Severity { get; init; }

    public string? Layer { get; init; }

    public int? LayerIndex { get; init; }

    /// <summary>0-based epoch first seen; null for pre-flight findings.</summary>
    public int? Epoch { get; init; }

    /// <summary>Global training step first seen; null for pre-flight findings.</summary>
    public long? Step { get; init; }

    /// <summary>The measured values and the thresholds they crossed: numbers, booleans or strings (a series is one string),
    /// so that every report writes them as they are.</summary>
    public required IReadOnlyDictionary<string, object> Evidence { get; init; }

    public required string Message { get; init; }

    public required IReadOnlyList<Fix> Fixes { get; init; }

    /// <summary>The finding this one is a consequence of (its code), or null for a primary cause or an independent problem.</summary>
    public string? CausedBy { get; init; }

    /// <summary>One line: severity, code, layer, cause, message, evidence and fix codes.</summary>
    public override string ToString()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string evidence = string.Join(", ", Evidence.Select(kv => $"{kv.Key}={Convert.ToString(kv.Value, inv)}"));
        return $"{Severity.ToString().ToLowerInvariant()} {Code}{(Layer is null ? "" : $" [{Layer}]")}" +
               $"{(CausedBy is null ? "" : $" (caused by {CausedBy})")}: {Message} Evidence: {evidence}." +
               $"{(Fixes.Count == 0 ? "" : $" Fixes: {string.Join(", ", Fixes.Select(f => f.Code))}.")}";
    }
}
