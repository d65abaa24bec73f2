using System.Globalization;
using System.Text;

namespace Nabla.Callbacks;

/// <summary>
/// Keras's checkpoint file names: Python format fields such as <c>{epoch:02d}</c> and <c>{val_loss:.2f}</c>, filled
/// with the 1-based epoch and the epoch's logs. A field is a name, optionally ':' and a spec of the form
/// [0][width][.precision][d|f|e|g]; "{{" and "}}" are literal braces.
/// </summary>
internal static class CheckpointPath
{
    public static string Format(string template, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var result = new StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}') { result.Append('}'); i++; continue; }
            if (c != '{') { result.Append(c); continue; }
            if (i + 1 < template.Length && template[i + 1] == '{') { result.Append('{'); i++; continue; }
            int close = template.IndexOf('}', i);
            if (close < 0) throw new ArgumentException($"Checkpoint path '{template}': '{{' at {i} has no closing '}}'.");
            string field = template[(i + 1)..close];
            int colon = field.IndexOf(':');
            string name = colon < 0 ? field : field[..colon], spec = colon < 0 ? "" : field[(colon + 1)..];
            double value;
            if (name == "epoch") value = epoch;
            else if (!logs.TryGetValue(name, out value))
                throw new InvalidOperationException(
                    $"Checkpoint path '{template}' asks for '{{{name}}}', which is not among 'epoch' and the logs ({string.Join(", ", logs.Keys)}).");
            result.Append(spec.Length == 0 ? Plain(value, isInteger: name == "epoch") : FormatValue(value, spec, template));
            i = close;
        }
        return result.ToString();
    }

    private static string FormatValue(double value, string spec, string template)
    {
        int at = 0;
        bool zeroPad = spec[at] == '0' && spec.Length > 1;
        if (zeroPad) at++;
        int width = 0;
        while (at < spec.Length && char.IsAsciiDigit(spec[at])) width = width * 10 + (spec[at++] - '0');
        int? precision = null;
        if (at < spec.Length && spec[at] == '.')
        {
            at++;
            int p = 0, start = at;
            while (at < spec.Length && char.IsAsciiDigit(spec[at])) p = p * 10 + (spec[at++] - '0');
            if (at == start) throw BadSpec(spec, template);
            precision = p;
        }
        char type = at < spec.Length ? spec[at++] : 'g';
        if (at != spec.Length) throw BadSpec(spec, template);
        string text = type switch
        {
            'd' when value == Math.Floor(value) => ((long)value).ToString(CultureInfo.InvariantCulture),
            'd' => throw new InvalidOperationException($"Checkpoint path '{template}': format 'd' needs a whole number, found {value}."),
            'f' => value.ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture),
            'e' => value.ToString((precision ?? 6) == 0 ? "0e+00" : "0." + new string('0', precision ?? 6) + "e+00", CultureInfo.InvariantCulture),
            'g' => value.ToString("G" + (precision ?? 6), CultureInfo.InvariantCulture),
            _ => throw BadSpec(spec, template),
        };
        if (text.Length >= width) return text;
        if (!zeroPad) return text.PadLeft(width);
        bool negative = text.StartsWith('-');
        string digits = negative ? text[1..] : text;
        return (negative ? "-" : "") + digits.PadLeft(width - (negative ? 1 : 0), '0');
    }

    /// <summary>Python's str() of the value for a field without a spec: the epoch as an integer, a float as its
    /// shortest round trip ("2.0" for a whole number).</summary>
    private static string Plain(double value, bool isInteger)
    {
        if (isInteger) return ((long)value).ToString(CultureInfo.InvariantCulture);
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return double.IsFinite(value) && !text.Contains('.') && !text.Contains('E') ? text + ".0" : text;
    }

    private static ArgumentException BadSpec(string spec, string template) =>
        new($"Checkpoint path '{template}': format spec ':{spec}' is not one of [0][width][.precision][d|f|e|g].");
}
