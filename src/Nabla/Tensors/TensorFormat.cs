using System.Globalization;
using System.Text;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>
    /// Prints a tensor's values as NumPy prints an array (numpy/_core/arrayprint.py defaults): at most 8 fractional
    /// digits, each value with as few as represent it uniquely, all aligned on the decimal point ("1. ", "2.5");
    /// scientific notation when the largest magnitude is ≥ 1e8, the smallest non-zero one &lt; 1e-4, or their ratio
    /// &gt; 1000; lines wrapped at 75 characters; beyond 1000 elements, only the first and last 3 entries of each
    /// longer axis, with "...". The shape and dtype follow, as in TensorFlow's repr.
    /// </summary>
    private static class TextFormat
    {
        private const int Precision = 8, Threshold = 1000, EdgeItems = 3, LineWidth = 75;
        private const string Prefix = "Tensor(";

        public static string Format(Tensor tensor)
        {
            bool summarize = tensor.Size > Threshold;
            var shown = ShownValues(tensor, summarize);
            var formatter = new ElementFormatter(shown);
            var text = new StringBuilder(Prefix);
            if (tensor.Rank == 0) text.Append(formatter.Format(tensor.Data[0]).Trim());
            else Append(text, tensor, formatter, summarize, axis: 0, offset: 0, indent: Prefix.Length);
            text.Append(", shape=(").Append(string.Join(", ", tensor.Shape)).Append(tensor.Rank == 1 ? ",)" : ")");
            text.Append(", dtype=float32");
            if (tensor.Name is not null) text.Append(", name='").Append(tensor.Name).Append('\'');
            if (tensor.RequiresGrad) text.Append(", requires_grad=True");
            return text.Append(')').ToString();
        }

        /// <summary>The indices of an axis that are printed: all, or the first and last <see cref="EdgeItems"/>.</summary>
        private static int[] Shown(int length, bool summarize) =>
            summarize && length > 2 * EdgeItems
                ? [.. Enumerable.Range(0, EdgeItems), .. Enumerable.Range(length - EdgeItems, EdgeItems)]
                : Enumerable.Range(0, length).ToArray();

        /// <summary>The values that will be printed (NumPy chooses the format from these only).</summary>
        private static List<float> ShownValues(Tensor tensor, bool summarize)
        {
            var values = new List<float>();
            void Walk(int axis, int offset)
            {
                if (axis == tensor.Rank) { values.Add(tensor.Data[offset]); return; }
                int stride = Stride(tensor, axis);
                foreach (int i in Shown(tensor.Shape[axis], summarize)) Walk(axis + 1, offset + i * stride);
            }
            Walk(0, 0);
            return values;
        }

        private static int Stride(Tensor tensor, int axis)
        {
            int stride = 1;
            for (int a = axis + 1; a < tensor.Rank; a++) stride *= tensor.Shape[a];
            return stride;
        }

        private static void Append(StringBuilder text, Tensor tensor, ElementFormatter formatter, bool summarize, int axis, int offset, int indent)
        {
            int length = tensor.Shape[axis], stride = Stride(tensor, axis);
            var shown = Shown(length, summarize);
            text.Append('[');
            if (axis == tensor.Rank - 1)
            {
                // The last axis: values separated by ", ", wrapped under the first one; "..." marks a gap.
                var items = new List<string>();
                for (int k = 0; k < shown.Length; k++)
                {
                    if (k > 0 && shown[k] != shown[k - 1] + 1) items.Add("...");
                    items.Add(formatter.Format(tensor.Data[offset + shown[k]]));
                }
                int column = CurrentColumn(text);
                for (int k = 0; k < items.Count; k++)
                {
                    string piece = items[k] + (k < items.Count - 1 ? "," : "");
                    if (k > 0)
                    {
                        // NumPy keeps room for the closing brackets on the last item's line.
                        if (column + 1 + piece.Length > LineWidth - (k == items.Count - 1 ? tensor.Rank - axis : 0))
                        {
                            text.Append('\n').Append(' ', indent + 1);
                            column = indent + 1;
                        }
                        else
                        {
                            text.Append(' ');
                            column++;
                        }
                    }
                    text.Append(piece);
                    column += piece.Length;
                }
            }
            else
            {
                string separator = "," + new string('\n', tensor.Rank - axis - 1);
                for (int k = 0; k < shown.Length; k++)
                {
                    if (k > 0)
                    {
                        text.Append(separator).Append(' ', indent + 1);
                        if (shown[k] != shown[k - 1] + 1) text.Append("...").Append(separator).Append(' ', indent + 1);
                    }
                    Append(text, tensor, formatter, summarize, axis + 1, offset + shown[k] * stride, indent + 1);
                }
            }
            text.Append(']');
        }

        private static int CurrentColumn(StringBuilder text)
        {
            int column = 0;
            for (int i = text.Length - 1; i >= 0 && text[i] != '\n'; i--) column++;
            return column;
        }

        /// <summary>NumPy's FloatingFormat (floatmode "maxprec", sign "-"): one padding for all printed values.</summary>
        private sealed class ElementFormatter
        {
            private readonly bool scientific;
            private readonly int integerWidth, fractionWidth, exponentWidth;

            public ElementFormatter(List<float> values)
            {
                var finite = values.Where(float.IsFinite).Select(v => Math.Abs((double)v)).ToArray();
                var nonZero = finite.Where(v => v != 0).ToArray();
                if (nonZero.Length > 0)
                {
                    double max = nonZero.Max(), min = nonZero.Min();
                    scientific = max >= 1e8 || min < 1e-4 || max / min > 1e3;
                }
                foreach (float v in values.Where(float.IsFinite))
                {
                    var (integer, fraction, exponent) = Parts(v);
                    integerWidth = Math.Max(integerWidth, integer.Length);
                    fractionWidth = Math.Max(fractionWidth, fraction.Length);
                    exponentWidth = Math.Max(exponentWidth, exponent.Length);
                }
                // nan and inf take the width of a number, widening its integer part when they need more (as NumPy).
                if (values.Any(v => !float.IsFinite(v)))
                {
                    int special = values.Any(v => float.IsNegativeInfinity(v)) ? 4 : 3;
                    integerWidth = Math.Max(integerWidth, special - (fractionWidth + 1));
                }
            }

            public string Format(float value)
            {
                if (!float.IsFinite(value))
                {
                    string special = float.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
                    return special.PadLeft(integerWidth + 1 + fractionWidth + (scientific ? 2 + exponentWidth : 0));
                }
                var (integer, fraction, exponent) = Parts(value);
                // NumPy pads positional fractions with spaces and scientific mantissas with zeros.
                string text = integer.PadLeft(integerWidth) + "." + fraction.PadRight(fractionWidth, scientific ? '0' : ' ');
                if (scientific) text += "e" + exponent[0] + exponent[1..].PadLeft(exponentWidth - 1, '0');
                return text;
            }

            /// <summary>Integer digits (with sign), fractional digits (unique, at most 8, no trailing zeros) and, in
            /// scientific mode, the exponent with its sign and at least two digits.</summary>
            private (string Integer, string Fraction, string Exponent) Parts(float value)
            {
                if (scientific)
                {
                    var (digits, exponent) = ShortestDigits(value);
                    string sign = float.IsNegative(value) ? "-" : "";
                    string magnitude = Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
                    return (sign + digits[..1], digits[1..], (exponent < 0 ? "-" : "+") + magnitude);
                }
                // The float's shortest round-trip text, read as a double so that no float32 noise digits come back.
                string text = Math.Round(double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), Precision)
                    .ToString("0.########", CultureInfo.InvariantCulture);
                if (text == "0" && float.IsNegative(value)) text = "-0";
                int point = text.IndexOf('.');
                return (point < 0 ? text : text[..point], point < 0 ? "" : text[(point + 1)..], "");
            }

            /// <summary>The significant digits of the shortest text that reads back as <paramref name="value"/> (float32
            /// has at most 9) and the decimal exponent of the first: 1997 gives ("1997", 3), 1e-5 gives ("1", -5).</summary>
            private static (string Digits, int Exponent) ShortestDigits(float value)
            {
                string text = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
                int mark = text.IndexOfAny(['E', 'e']);
                int exponent = mark < 0 ? 0 : int.Parse(text[(mark + 1)..], CultureInfo.InvariantCulture);
                string mantissa = mark < 0 ? text : text[..mark];
                int point = mantissa.IndexOf('.');
                if (point < 0) point = mantissa.Length;
                string all = mantissa.Replace(".", "");
                string significant = all.TrimStart('0');
                if (significant.Length == 0) return ("0", 0);
                int leadingZeros = all.Length - significant.Length;
                return (significant.TrimEnd('0') is { Length: > 0 } trimmed ? trimmed : "0", point - 1 - leadingZeros + exponent);
            }
        }
    }
}
