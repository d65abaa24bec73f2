using System.Globalization;
using System.Text;

namespace Nabla.Data;

/// <summary>
/// The header of a NumPy .npy file: a Python dict literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>. Parsed strictly by a tiny
/// recursive-descent reader (never evaluated), so a malformed header is an error with its offset.
/// </summary>
internal sealed class NpyHeader
{
    public required ElementType Type { get; init; }
    public required bool BigEndian { get; init; }
    public required int[] Shape { get; init; }
    public required string Descr { get; init; }

    private const string SupportedDescrs = "'<f4', '<f8', '|u1', '|i1', '<i2', '<i4', '<i8', '|b1' (or '>' for big-endian)";

    /// <summary>Parses the dict text; <paramref name="baseOffset"/> is where it starts in the file, for error offsets.</summary>
    public static NpyHeader Parse(string text, string path, long baseOffset)
    {
        var reader = new Reader(text, path, baseOffset);
        string? descr = null;
        bool? fortranOrder = null;
        int[]? shape = null;
        long descrOffset = 0;

        reader.Expect('{');
        while (!reader.TryConsume('}'))
        {
            long keyOffset = reader.FileOffset;
            string key = reader.ReadString("a quoted key ('descr', 'fortran_order' or 'shape')");
            reader.Expect(':');
            switch (key)
            {
                case "descr":
                    bool structured = reader.Peek() == '[';
                    descrOffset = reader.FileOffset;
                    if (structured)
                        throw reader.Error("a simple dtype string such as '<f4'", "a structured dtype (a list of fields)");
                    descr = reader.ReadString("a dtype string such as '<f4'");
                    break;
                case "fortran_order":
                    fortranOrder = reader.ReadBool();
                    break;
                case "shape":
                    shape = reader.ReadShape();
                    break;
                default:
                    throw DataFormatException.AtOffset(path, keyOffset, "one of the keys 'descr', 'fortran_order', 'shape'", $"'{key}'");
            }
            if (!reader.TryConsume(','))
            {
                reader.Expect('}');
                break;
            }
        }
        reader.ExpectOnlyPaddingLeft();

        if (descr is null || fortranOrder is null || shape is null)
            throw DataFormatException.AtOffset(path, baseOffset, "a header with the keys 'descr', 'fortran_order' and 'shape'",
                $"keys missing: {string.Join(", ", new[] { descr is null ? "'descr'" : null, fortranOrder is null ? "'fortran_order'" : null, shape is null ? "'shape'" : null }.OfType<string>())}");
        if (fortranOrder.Value)
            throw DataFormatException.AtOffset(path, baseOffset,
                "C (row-major) order, 'fortran_order': False (save with np.ascontiguousarray(a))", "'fortran_order': True");

        var (type, bigEndian) = ParseDescr(descr, path, descrOffset);
        return new NpyHeader { Type = type, BigEndian = bigEndian, Shape = shape, Descr = descr };
    }

    private static (ElementType Type, bool BigEndian) ParseDescr(string descr, string path, long offset)
    {
        if (descr == "O" || (descr.Length >= 2 && descr[1] == 'O'))
            throw DataFormatException.AtOffset(path, offset,
                "a numeric dtype (object arrays hold Python objects, which only Python can read)", $"dtype '{descr}'");
        if (descr.Length >= 3 && "<>|=".Contains(descr[0]))
        {
            char order = descr[0];
            ElementType? type = descr[1..] switch
            {
                "f4" => ElementType.Float32,
                "f8" => ElementType.Float64,
                "u1" => ElementType.UInt8,
                "i1" => ElementType.Int8,
                "i2" => ElementType.Int16,
                "i4" => ElementType.Int32,
                "i8" => ElementType.Int64,
                "b1" => ElementType.Bool,
                _ => null,
            };
            // '|' (not applicable) is only valid for one-byte types; '=' is native order, little-endian on every .NET platform Nabla supports.
            if (type is { } t && (order != '|' || ElementTypes.SizeOf(t) == 1))
                return (t, order == '>' && ElementTypes.SizeOf(t) > 1);
        }
        throw DataFormatException.AtOffset(path, offset, $"a supported dtype: {SupportedDescrs}", $"dtype '{descr}'");
    }

    /// <summary>The dict text NumPy itself writes for a little-endian float32 C-order array.</summary>
    public static string FormatFloat32(ReadOnlySpan<int> shape)
    {
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        return $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
    }

    private sealed class Reader(string text, string path, long baseOffset)
    {
        private int position;

        public long FileOffset => baseOffset + position;

        public DataFormatException Error(string expected, string found) =>
            DataFormatException.AtOffset(path, FileOffset, expected, found);

        private void SkipSpaces()
        {
            while (position < text.Length && text[position] is ' ' or '\t' or '\n' or '\r') position++;
        }

        public char? Peek()
        {
            SkipSpaces();
            return position < text.Length ? text[position] : null;
        }

        private string FoundHere() => position < text.Length
            ? $"'{text.Substring(position, Math.Min(12, text.Length - position))}'"
            : "the end of the header";

        public bool TryConsume(char c)
        {
            if (Peek() != c) return false;
            position++;
            return true;
        }

        public void Expect(char c)
        {
            if (!TryConsume(c)) throw Error($"'{c}'", FoundHere());
        }

        public string ReadString(string expected)
        {
            char? quote = Peek();
            if (quote is not ('\'' or '"')) throw Error(expected, FoundHere());
            int end = text.IndexOf(quote.Value, position + 1);
            if (end < 0) throw Error($"a closing {quote} quote", "the end of the header");
            string value = text.Substring(position + 1, end - position - 1);
            position = end + 1;
            return value;
        }

        public bool ReadBool()
        {
            SkipSpaces();
            foreach (var (word, value) in new[] { ("True", true), ("False", false) })
                if (string.CompareOrdinal(text, position, word, 0, word.Length) == 0)
                {
                    position += word.Length;
                    return value;
                }
            throw Error("True or False", FoundHere());
        }

        public int[] ReadShape()
        {
            Expect('(');
            var dims = new List<int>();
            while (!TryConsume(')'))
            {
                SkipSpaces();
                long offset = FileOffset;
                int start = position;
                while (position < text.Length && char.IsAsciiDigit(text[position])) position++;
                if (start == position) throw Error("a non-negative integer dimension", FoundHere());
                if (!int.TryParse(text.AsSpan(start, position - start), NumberStyles.None, CultureInfo.InvariantCulture, out int d))
                    throw DataFormatException.AtOffset(path, offset, $"a dimension at most {int.MaxValue}", text[start..position]);
                dims.Add(d);
                if (!TryConsume(','))
                {
                    Expect(')');
                    break;
                }
            }
            return dims.ToArray();
        }

        public void ExpectOnlyPaddingLeft()
        {
            SkipSpaces();
            if (position < text.Length) throw Error("only spaces and a newline after the dict", FoundHere());
        }
    }

    public static Encoding EncodingFor(int majorVersion) =>
        majorVersion >= 3 ? Encoding.UTF8 : Encoding.Latin1;
}
