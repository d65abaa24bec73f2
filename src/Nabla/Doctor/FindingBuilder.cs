namespace Nabla.Doctor;

/// <summary>Builds <see cref="Finding"/>s with less ceremony: evidence as name/value pairs, fixes as codes.</summary>
internal static class FindingBuilder
{
    public static Finding Make(string code, Severity severity, string message, IEnumerable<string> fixes,
        params (string key, object value)[] evidence) =>
        new()
        {
            Code = code,
            Severity = severity,
            Message = message,
            Evidence = evidence.ToDictionary(e => e.key, e => e.value),
            Fixes = fixes.Distinct().Select(FixCodes.Make).ToList(),
        };

    public static Finding At(this Finding finding, string? layer, int? layerIndex, int? epoch = null, long? step = null) =>
        finding with { Layer = layer, LayerIndex = layerIndex, Epoch = epoch, Step = step };

    /// <summary>Rounds for evidence: enough digits to compare with a threshold, no float noise. Below 1e-11 the
    /// digits needed exceed what Math.Round takes (15), and the value is kept as is.</summary>
    public static double R(double value) =>
        double.IsFinite(value) && value != 0 && Math.Abs(value) >= 1e-11
            ? Math.Round(value, Math.Max(0, 4 - (int)Math.Floor(Math.Log10(Math.Abs(value))))) : value;
}
