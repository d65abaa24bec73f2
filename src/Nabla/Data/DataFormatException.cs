namespace Nabla.Data;

/// <summary>
/// A data file that cannot be read as what it claims to be. The message names the file, where the
/// problem is (byte offset, or line and column), what was expected and what was found.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>The file (or embedded resource) being read.</summary>
    public string Path { get; }

    /// <summary>Byte offset of the problem in a binary file (in the uncompressed stream for .gz); null for text files.</summary>
    public long? Offset { get; }

    /// <summary>1-based line of the problem in a text file; null for binary files.</summary>
    public int? Line { get; }

    /// <summary>1-based column (field number) of the problem in a text file, when it concerns one field.</summary>
    public int? Column { get; }

    public string Expected { get; }

    public string Found { get; }

    private DataFormatException(string path, string where, long? offset, int? line, int? column, string expected, string found,
        Exception? inner = null)
        : base($"{path}, {where}: expected {expected}; found {found.TrimEnd('.')}.", inner)
    {
        Path = path;
        Offset = offset;
        Line = line;
        Column = column;
        Expected = expected;
        Found = found;
    }

    internal static DataFormatException AtOffset(string path, long offset, string expected, string found) =>
        new(path, $"byte offset {offset}", offset, null, null, expected, found);

    internal static DataFormatException AtLine(string path, int line, string expected, string found) =>
        new(path, $"line {line}", null, line, null, expected, found);

    internal static DataFormatException AtCell(string path, int line, int column, string columnName, string expected, string found) =>
        new(path, $"line {line}, column {column}{(columnName.Length > 0 ? $" ('{columnName}')" : "")}",
            null, line, column, expected, found);

    /// <summary>A problem with one named field or entry of a structured file (a header key, a tensor).</summary>
    internal static DataFormatException AtField(string path, string field, string expected, string found, Exception? inner = null) =>
        new(path, field, null, null, null, expected, found, inner);

    /// <summary>A problem with the file as a whole (e.g. its size), before any byte is interpreted.</summary>
    internal static DataFormatException InFile(string path, string expected, string found) =>
        new(path, "whole file", null, null, null, expected, found);
}
