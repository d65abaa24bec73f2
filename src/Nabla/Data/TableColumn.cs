using System.Globalization;

namespace Nabla.Data;

/// <summary>
/// One column of a <see cref="Table"/>: numbers (float32, missing values as NaN) or text (missing values as null).
/// A column read from a file is numeric when every value that is not missing reads as a number.
/// </summary>
public sealed class TableColumn
{
    private readonly float[]? numbers;
    private readonly string?[]? texts;

    private TableColumn(string name, float[]? numbers, string?[]? texts, (int Line, string Text)? firstNonNumber = null)
    {
        FirstNonNumber = firstNonNumber;
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        this.numbers = numbers;
        this.texts = texts;
        MissingCount = numbers is not null ? numbers.Count(float.IsNaN) : texts!.Count(t => t is null);
    }

    /// <summary>A numeric column; NaN marks a missing value.</summary>
    public static TableColumn FromNumbers(string name, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new TableColumn(name, values, null);
    }

    /// <summary>A text column (categories); null marks a missing value.</summary>
    public static TableColumn FromTexts(string name, string?[] values) => FromTexts(name, values, null);

    internal static TableColumn FromTexts(string name, string?[] values, (int Line, string Text)? firstNonNumber)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new TableColumn(name, null, values, firstNonNumber);
    }

    public string Name { get; }

    public int Length => numbers?.Length ?? texts!.Length;

    public bool IsNumeric => numbers is not null;

    /// <summary>How many values are missing (NaN in a numeric column, null in a text column).</summary>
    public int MissingCount { get; }

    /// <summary>For a text column read from a file: the first value that made it text, and its 1-based line.</summary>
    public (int Line, string Text)? FirstNonNumber { get; }

    public bool IsMissing(int row) => numbers is not null ? float.IsNaN(numbers[row]) : texts![row] is null;

    /// <summary>The value at <paramref name="row"/> of a numeric column (NaN when missing).</summary>
    public float Number(int row) => RequireNumbers("Number")[row];

    /// <summary>The value at <paramref name="row"/> as text (numbers in invariant culture); null when missing.</summary>
    public string? Text(int row) => numbers is not null
        ? float.IsNaN(numbers[row]) ? null : numbers[row].ToString(CultureInfo.InvariantCulture)
        : texts![row];

    /// <summary>The distinct values present, ordered as pandas's get_dummies orders them (numbers by value, text ordinally).</summary>
    public IReadOnlyList<string> Categories()
    {
        if (numbers is not null)
            return numbers.Where(v => !float.IsNaN(v)).Distinct().Order().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray();
        return texts!.OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The values as a tensor of shape [rows]; every value must be a number and present.</summary>
    public Tensor ToTensor()
    {
        var values = RequireNumbers("ToTensor");
        int missing = Array.FindIndex(values, float.IsNaN);
        if (missing >= 0)
            throw new InvalidOperationException(
                $"Column '{Name}' has {MissingCount} missing value(s), the first at row {missing}; " +
                "drop them with Table.DropMissing() or fill them before converting to a tensor.");
        return Tensor.FromArray((float[])values.Clone(), values.Length);
    }

    internal float[] RequireNumbers(string operation)
    {
        if (numbers is not null) return numbers;
        string example = FirstNonNumber is (int line, string text) ? $" (line {line} has '{text}')" : "";
        throw new InvalidOperationException(
            $"{operation}: column '{Name}' holds text, not numbers{example}; " +
            "one-hot encode it with Table.OneHot, or read its marker of missing values with naValues.");
    }

    /// <summary>A new column with the values at <paramref name="rows"/>.</summary>
    internal TableColumn Take(ReadOnlySpan<int> rows)
    {
        if (numbers is not null)
        {
            var taken = new float[rows.Length];
            for (int i = 0; i < rows.Length; i++) taken[i] = numbers[rows[i]];
            return new TableColumn(Name, taken, null);
        }
        var text = new string?[rows.Length];
        for (int i = 0; i < rows.Length; i++) text[i] = texts![rows[i]];
        return new TableColumn(Name, null, text, FirstNonNumber);
    }

    public override string ToString() =>
        $"{Name}: {Length} {(IsNumeric ? "numbers" : "texts")}, {MissingCount} missing";
}
