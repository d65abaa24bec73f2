namespace Nabla.Data;

/// <summary>Options of <see cref="Csv"/>; every one left null is detected from the file.</summary>
public sealed record CsvOptions : DataReadOptions
{
    /// <summary>The field separator; null detects it among ',', ';' and tab from the first lines.</summary>
    public char? Separator { get; init; }

    /// <summary>Whether the first row holds column names; null decides by whether any of its cells is not a number.</summary>
    public bool? HasHeader { get; init; }

    /// <summary>When set, every label must be an integer in 0..NumClasses-1.</summary>
    public int? NumClasses { get; init; }

    /// <summary>1 MiB characters: a row of 100,000 numbers. The longest line accepted, checked while it is read,
    /// so that one huge line is refused before it is held in memory.</summary>
    public const int DefaultMaxLineChars = 1 << 20;

    /// <summary>The longest line (in characters) a file may hold; default <see cref="DefaultMaxLineChars"/>.</summary>
    public int MaxLineChars { get; init; } = DefaultMaxLineChars;

    internal static new CsvOptions Default { get; } = new();
}

/// <summary>A CSV column named by its header text or by its 0-based index: <c>"label"</c> or <c>0</c>.</summary>
public sealed class CsvColumn
{
    public string? Name { get; }

    public int? Index { get; }

    private CsvColumn(string? name, int? index)
    {
        Name = name;
        Index = index;
    }

    public static implicit operator CsvColumn(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new CsvColumn(name, null);
    }

    public static implicit operator CsvColumn(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new CsvColumn(null, index);
    }

    public override string ToString() => Name is not null ? $"'{Name}'" : $"index {Index}";
}

/// <summary>What <see cref="Csv.Read"/> found: features [rows, columns], optional labels [rows], and the column names.</summary>
public sealed class CsvTable
{
    public required Tensor Features { get; init; }

    /// <summary>Null when no label column was asked for.</summary>
    public Tensor? Labels { get; init; }

    /// <summary>Header names of the feature columns, or "column N" (1-based) without a header.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    public string? LabelName { get; init; }

    public required char Separator { get; init; }

    public required bool HasHeader { get; init; }
}
