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
            Evidence = evidence.ToDictionary(e => e.key, e => Scalar(e.value)),
            Fixes = fixes.Distinct().Select(FixCodes.Make).ToList(),
        };

    /// <summary>The reports write evidence values one by one (text, HTML, JSON), so a series becomes one string of its
    /// values (rounded, separated by spaces) rather than its type name.</summary>
    private static object Scalar(object value) => value switch
    {
        double or float or int or long or bool or string => value,
        System.Collections.IEnumerable series => string.Join(" ", series.Cast<object>().Select(v => v switch
        {
            double d => R(d).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
        })),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    public static Finding At(this Finding finding, string? layer, int? layerIndex, int? epoch = null, long? step = null) =>
        finding with { Layer = layer, LayerIndex = layerIndex, Epoch = epoch, Step = step };

    /// <summary>Rounds for evidence: enough digits to compare with a threshold, no float noise. Below 1e-11 the
    /// digits needed exceed what Math.Round takes (15), and the value is kept as is.</summary>
    public static double R(double value) =>
        double.IsFinite(value) && value != 0 && Math.Abs(value) >= 1e-11
            ? Math.Round(value, Math.Max(0, 4 - (int)Math.Floor(Math.Log10(Math.Abs(value))))) : value;
}
