namespace Nabla.Data;

/// <summary>
/// A small table of named columns, numbers or text, for preparing tabular data as Keras's tutorials do with
/// pandas: read a CSV with its marker of missing values, drop incomplete rows, one-hot a categorical column,
/// split into training and test rows, pop the label, then convert to tensors. Every operation returns a new
/// table except <see cref="Pop"/>, which removes the column from this one, as pandas's <c>pop</c> does.
/// </summary>
public sealed partial class Table
{
    private readonly List<TableColumn> columns;

    public Table(IEnumerable<TableColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        this.columns = [.. columns];
        if (this.columns.Count == 0) throw new ArgumentException("A table needs at least one column.", nameof(columns));
        var duplicate = this.columns.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Two columns are named '{duplicate.Key}'.", nameof(columns));
        int rows = this.columns[0].Length;
        var ragged = this.columns.FirstOrDefault(c => c.Length != rows);
        if (ragged is not null)
            throw new ArgumentException(
                $"Column '{ragged.Name}' has {ragged.Length} values but '{this.columns[0].Name}' has {rows}.", nameof(columns));
        RowCount = rows;
    }

    public int RowCount { get; }

    public IReadOnlyList<TableColumn> Columns => columns;

    public IReadOnlyList<string> ColumnNames => columns.Select(c => c.Name).ToArray();

    /// <summary>The column named <paramref name="name"/>.</summary>
    public TableColumn this[string name] => columns[IndexOf(name)];

    /// <summary>A table of the named columns, in the order given.</summary>
    public Table Select(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return new Table(names.Select(n => this[n]));
    }

    /// <summary>A table without the named columns.</summary>
    public Table Drop(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (string name in names) IndexOf(name);
        return new Table(columns.Where(c => !names.Contains(c.Name)));
    }

    /// <summary>Removes the named column from this table and returns it (pandas's <c>pop</c>).</summary>
    public TableColumn Pop(string name)
    {
        int index = IndexOf(name);
        if (columns.Count == 1)
            throw new InvalidOperationException($"Pop: '{name}' is the table's only column; a table keeps at least one.");
        var column = columns[index];
        columns.RemoveAt(index);
        return column;
    }

    /// <summary>The values as a float32 tensor [rows, columns]; every column must be numeric with no missing value.</summary>
    public Tensor ToTensor()
    {
        var result = new Tensor([RowCount, columns.Count]);
        for (int c = 0; c < columns.Count; c++)
        {
            var values = columns[c].ToTensor().Data;
            for (int r = 0; r < RowCount; r++) result.Data[r * columns.Count + c] = values[r];
        }
        return result;
    }

    /// <summary>The first <paramref name="rows"/> rows.</summary>
    public Table Head(int rows = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        return TakeRows(Enumerable.Range(0, Math.Min(rows, RowCount)).ToArray());
    }

    /// <summary>The table's rows at <paramref name="rows"/>, in that order.</summary>
    public Table TakeRows(ReadOnlySpan<int> rows)
    {
        foreach (int row in rows)
            if ((uint)row >= (uint)RowCount)
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"Row index must be in 0..{RowCount - 1}.");
        var taken = new List<TableColumn>(columns.Count);
        foreach (var column in columns) taken.Add(column.Take(rows));
        return new Table(taken);
    }

    /// <summary>Up to 10 rows as aligned text, with the table's size.</summary>
    public override string ToString()
    {
        const int Shown = 10;
        var cells = new List<string[]> { columns.Select(c => c.Name).ToArray() };
        for (int r = 0; r < Math.Min(Shown, RowCount); r++)
            cells.Add(columns.Select(c => c.Text(r) ?? "NaN").ToArray());
        var widths = Enumerable.Range(0, columns.Count).Select(c => cells.Max(row => row[c].Length)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var row in cells)
            text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadLeft(widths[c]))).TrimEnd());
        if (RowCount > Shown) text.AppendLine("...");
        text.Append($"[{RowCount} rows x {columns.Count} columns]");
        return text.ToString();
    }

    private int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = columns.FindIndex(c => c.Name == name);
        if (index < 0)
            throw new ArgumentException(
                $"The table has no column '{name}'; its columns are {string.Join(", ", columns.Select(c => $"'{c.Name}'"))}.");
        return index;
    }
}
