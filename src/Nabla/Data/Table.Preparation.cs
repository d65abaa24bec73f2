namespace Nabla.Data;

public sealed partial class Table
{
    /// <summary>The rows where no column is missing a value (pandas's <c>dropna()</c>).</summary>
    public Table DropMissing()
    {
        var kept = new List<int>(RowCount);
        for (int r = 0; r < RowCount; r++)
            if (!columns.Exists(c => c.IsMissing(r))) kept.Add(r);
        return TakeRows(kept.ToArray());
    }

    /// <summary>
    /// Replaces a categorical column by one 0/1 column per category, appended at the end, as pandas's
    /// <c>get_dummies(columns=[column], prefix=prefix, prefix_sep="")</c>: the new columns are named prefix + category
    /// (prefix defaults to "<paramref name="column"/>_"), categories in sorted order; a missing value gives a row of zeros.
    /// Pass <paramref name="categories"/> to fix the columns (e.g. those of the training data) in that order.
    /// </summary>
    public Table OneHot(string column, string? prefix = null, IReadOnlyList<string>? categories = null)
    {
        var source = this[column];
        var found = source.Categories();
        categories ??= found;
        var unknown = found.Except(categories).FirstOrDefault();
        if (unknown is not null)
            throw new ArgumentException(
                $"OneHot: column '{column}' holds '{unknown}', which is not among the categories given " +
                $"({string.Join(", ", categories.Select(c => $"'{c}'"))}).", nameof(categories));
        prefix ??= column + "_";
        var result = columns.Where(c => c.Name != column).ToList();
        foreach (string category in categories)
        {
            var values = new float[RowCount];
            for (int r = 0; r < RowCount; r++) values[r] = source.Text(r) == category ? 1f : 0f;
            result.Add(TableColumn.FromNumbers(prefix + category, values));
        }
        return new Table(result);
    }

    /// <summary>
    /// Splits the rows in two, as pandas's <c>sample(frac=fraction, random_state=seed)</c> and <c>drop</c> do:
    /// the first part takes round(fraction·rows) rows drawn with Nabla's seeded generator (in drawn order), the
    /// second the others in their original order.
    /// </summary>
    public (Table First, Table Second) Split(double fraction, long seed)
    {
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "Split 'fraction' must be strictly between 0 and 1.");
        int firstCount = (int)Math.Round(fraction * RowCount, MidpointRounding.ToEven);
        if (firstCount == 0 || firstCount == RowCount)
            throw new ArgumentException(
                $"Split: fraction {fraction} of {RowCount} rows leaves one part empty ({firstCount} and {RowCount - firstCount} rows).",
                nameof(fraction));
        var order = new int[RowCount];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new RandomGenerator(seed).Shuffle(order);
        var first = order[..firstCount];
        var second = order[firstCount..];
        Array.Sort(second);
        return (TakeRows(first), TakeRows(second));
    }
}
