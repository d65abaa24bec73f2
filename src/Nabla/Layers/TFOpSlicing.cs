using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// TensorFlow's <c>x[...]</c> (<c>tf.__operators__.getitem</c>) as tf.keras's SlicingOpLambda writes its slice_spec: an
/// index, a slice as <c>{"start", "stop", "step"}</c>, tf.keras's Ellipsis <c>{"class_name": "__ellipsis__"}</c>, null for
/// tf.newaxis, or a list of those, one per axis from the batch axis on, as NumPy reads them. An index drops its axis; the
/// batch axis must be taken whole; steps other than 1 are refused by name.
/// </summary>
internal static class TFOpSlicing
{
    public static Tensor GetItem(Tensor x, object? spec)
    {
        var items = spec is List<object?> list ? list : [spec];
        int ellipses = items.Count(IsEllipsis);
        if (ellipses > 1) throw new ArgumentException("tf.__operators__.getitem: a slice_spec holds at most one Ellipsis.");
        int consuming = items.Count(i => i is not null && !IsEllipsis(i));
        if (consuming > x.Rank)
            throw new ArgumentException($"tf.__operators__.getitem: {consuming} indices for a tensor of rank {x.Rank} {Tensor.ShapeString(x.Shape)}.");
        var starts = new int[x.Rank];
        var lengths = (int[])x.Shape.Clone();
        var shape = new List<int>();
        int axis = 0;
        foreach (var item in items)
        {
            if (item is null) { shape.Add(1); continue; }
            if (IsEllipsis(item))
            {
                for (int covered = x.Rank - consuming; covered > 0; covered--) shape.Add(x.Shape[axis++]);
                continue;
            }
            int size = x.Shape[axis];
            if (item is long index)
            {
                int i = (int)(index < 0 ? index + size : index);
                if (i < 0 || i >= size) throw new ArgumentException($"tf.__operators__.getitem: index {index} is outside axis {axis} of size {size}.");
                if (axis == 0) throw new ArgumentException("tf.__operators__.getitem: an index on the batch axis drops it; the batch axis must be taken whole.");
                (starts[axis], lengths[axis]) = (i, 1);
            }
            else if (item is Config slice)
            {
                var (start, stop) = Bounds(slice, size, axis);
                if (axis == 0 && (start != 0 || stop != size))
                    throw new ArgumentException("tf.__operators__.getitem: the batch axis must be taken whole.");
                (starts[axis], lengths[axis]) = (start, stop - start);
                shape.Add(stop - start);
            }
            else throw new ArgumentException($"tf.__operators__.getitem: slice_spec entry {Config.Describe(item)} is not an index, a slice, Ellipsis or tf.newaxis.");
            axis++;
        }
        for (; axis < x.Rank; axis++) shape.Add(x.Shape[axis]);
        return Tensor.Reshape(Tensor.Slice(x, starts, lengths), [.. shape]);
    }

    private static bool IsEllipsis(object? item) => item is Config c && c.GetString("class_name", null) == "__ellipsis__";

    /// <summary>A slice's [start, stop) on an axis of <paramref name="size"/>, with Python's defaults, negatives and clipping.</summary>
    private static (int Start, int Stop) Bounds(Config slice, int size, int axis)
    {
        if (slice.TryGet("step", out _) && slice.GetInt("step") != 1)
            throw new ArgumentException($"tf.__operators__.getitem: step {slice.GetInt("step")} on axis {axis}; Nabla slices with step 1 only.");
        int Clip(string key, int fallback)
        {
            if (!slice.TryGet(key, out _)) return fallback;
            int v = slice.GetInt(key);
            return Math.Clamp(v < 0 ? v + size : v, 0, size);
        }
        int start = Clip("start", 0), stop = Clip("stop", size);
        return (start, Math.Max(start, stop));
    }
}
