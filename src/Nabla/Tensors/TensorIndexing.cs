namespace Nabla;

/// <summary>
/// NumPy-style selection with C#'s Index and Range: <c>x[0]</c> (the first sample, one axis less), <c>x[^1]</c>,
/// <c>x[..5]</c> (the first five samples), <c>x[.., 3]</c> (column 3 of a matrix), <c>x[2..4, 1..]</c>. Each returns a
/// new tensor (a copy, where NumPy gives a view) recorded like <see cref="Slice"/>, so gradients flow through it.
/// </summary>
public sealed partial class Tensor
{
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Index index] => Select([Axis.Of(index)]);

    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Range range] => Select([Axis.Of(range)]);

    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Range rows, Index column] => Select([Axis.Of(rows), Axis.Of(column)]);

    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Index row, Range columns] => Select([Axis.Of(row), Axis.Of(columns)]);

    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Range rows, Range columns] => Select([Axis.Of(rows), Axis.Of(columns)]);

    /// <summary>One axis's selection: an index (the axis is dropped) or a range (kept).</summary>
    private readonly record struct Axis(Index? Index, Range Range)
    {
        public static Axis Of(Index index) => new(index, default);

        public static Axis Of(Range range) => new(null, range);
    }

    private Tensor Select(Axis[] axes)
    {
        if (axes.Length > Rank)
            throw new ArgumentException($"{axes.Length} indices used on a tensor of shape {ShapeString(Shape)} ({Rank} axes).");
        var starts = new int[Rank];
        var lengths = (int[])Shape.Clone();
        var kept = new List<int>();
        for (int axis = 0; axis < Rank; axis++)
        {
            if (axis >= axes.Length) { kept.Add(Shape[axis]); continue; }
            if (axes[axis].Index is Index index)
            {
                int at = index.GetOffset(Shape[axis]);
                if ((uint)at >= (uint)Shape[axis])
                    throw new ArgumentOutOfRangeException(nameof(index),
                        $"Index {index} on axis {axis} is outside shape {ShapeString(Shape)} (0..{Shape[axis] - 1}).");
                starts[axis] = at;
                lengths[axis] = 1;
            }
            else
            {
                var range = axes[axis].Range;
                int start = range.Start.GetOffset(Shape[axis]), end = range.End.GetOffset(Shape[axis]);
                if (start < 0 || end > Shape[axis] || start > end)
                    throw new ArgumentOutOfRangeException(nameof(range),
                        $"Range {range} on axis {axis} is outside shape {ShapeString(Shape)} (0..{Shape[axis]}).");
                starts[axis] = start;
                lengths[axis] = end - start;
                kept.Add(end - start);
            }
        }
        var slice = Slice(this, starts, lengths);
        return kept.Count == Rank ? slice : Reshape(slice, [.. kept]);
    }
}
