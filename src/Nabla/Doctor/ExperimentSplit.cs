namespace Nabla.Doctor;

/// <summary>Cuts a table's last axis into column blocks: an experiment's x into a model's inputs, y into its outputs.</summary>
internal static class ExperimentSplit
{
    /// <summary>One [N, width] tensor per width, taken left to right; the widths must add up to the columns of
    /// <paramref name="table"/> ([N] counts as one column).</summary>
    public static Tensor[] Columns(Tensor table, IReadOnlyList<int> widths)
    {
        int rows = table.Shape[0], columns = table.Size / Math.Max(1, rows);
        if (table.Rank > 2 || widths.Sum() != columns || widths.Any(w => w < 1))
            throw new ArgumentException(
                $"Cannot cut data of shape {Tensor.ShapeString(table.Shape)} into blocks of {string.Join(" + ", widths)} columns: " +
                $"expected positive widths adding up to its {columns} column(s), on data of rank 1 or 2.");
        var parts = new Tensor[widths.Count];
        int start = 0;
        for (int p = 0; p < parts.Length; p++)
        {
            int width = widths[p];
            var part = new Tensor(rows, width);
            for (int r = 0; r < rows; r++)
                table.Data.AsSpan(r * columns + start, width).CopyTo(part.Data.AsSpan(r * width, width));
            parts[p] = part;
            start += width;
        }
        return parts;
    }
}
