namespace Nabla.Doctor;

/// <summary>Cuts a table's last axis into column blocks: an experiment's x into a model's inputs, y into its outputs.</summary>
internal static class ExperimentSplit
{
    /// <summary>One tensor per width, taken left to right along the last axis ([N] counts as one column): [N, width]
    /// from [N, columns], or [N, steps, width] from sequences [N, steps, columns] (an encoder's and a decoder's inputs
    /// side by side). The widths must add up to the last axis.</summary>
    public static Tensor[] Columns(Tensor table, IReadOnlyList<int> widths)
    {
        int columns = ColumnsOf(table), rows = table.Size / Math.Max(1, columns);
        if (table.Rank > 3 || widths.Sum() != columns || widths.Any(w => w < 1))
            throw new ArgumentException(
                $"Cannot cut data of shape {Tensor.ShapeString(table.Shape)} into blocks of {string.Join(" + ", widths)} columns: " +
                $"expected positive widths adding up to its {columns} column(s), on data of rank 1 to 3.");
        var parts = new Tensor[widths.Count];
        int start = 0;
        for (int p = 0; p < parts.Length; p++)
        {
            int width = widths[p];
            var part = new Tensor(table.Rank == 3 ? [table.Shape[0], table.Shape[1], width] : [table.Shape[0], width]);
            for (int r = 0; r < rows; r++)
                table.Data.AsSpan(r * columns + start, width).CopyTo(part.Data.AsSpan(r * width, width));
            parts[p] = part;
            start += width;
        }
        return parts;
    }

    /// <summary>The length of the last axis that <see cref="Columns"/> cuts: 1 for [N].</summary>
    public static int ColumnsOf(Tensor table) => table.Rank < 2 ? 1 : table.Shape[^1];
}
