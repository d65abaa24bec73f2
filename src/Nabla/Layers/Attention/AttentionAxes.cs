namespace Nabla.Layers;

/// <summary>
/// Keras's MultiHeadAttention <c>attention_axes</c> on inputs [batch, d1..dn, features]: attention runs over the listed
/// axes jointly (one softmax over all their key positions), and every other axis between the batch and the features is a
/// batch axis (keras/src/layers/attention/multi_head_attention.py, <c>_build_attention_equation</c>). Nabla computes it as
/// sequence attention on [batch·Π other axes, Π attended axes, features]: the batch-like axes fold into the batch and the
/// attended ones into one sequence, in the order given, which is the same sum. Keras's default (None) attends over every
/// axis between the batch and the features; on sequences that is the one step axis, and nothing moves.
/// </summary>
internal sealed class AttentionAxes
{
    private readonly int[] permutation, inverse;

    /// <param name="given">The axes as Keras takes them (null for its default); negative ones count from the end, where
    /// -1 would be the features, as Keras normalizes them (<c>(rank - 1) + axis</c> on the projected rank).</param>
    /// <param name="rank">The inputs' rank, batch included.</param>
    public AttentionAxes(IReadOnlyList<int>? given, int rank, string what)
    {
        if (rank < 3)
            throw new ArgumentException($"{what} takes inputs [batch, steps..., features] of rank 3 or more; got rank {rank}.");
        Rank = rank;
        Attended = given is null ? [.. Enumerable.Range(1, rank - 2)] : Normalize(given, rank, what);
        Others = [.. Enumerable.Range(1, rank - 2).Where(axis => !Attended.Contains(axis))];
        permutation = [0, .. Others, .. Attended, rank - 1];
        inverse = Tensor.InversePermutation(permutation);
    }

    public int Rank { get; }

    /// <summary>The attended axes, counted in the inputs with the batch as 0, in the order given (the scores' order).</summary>
    public int[] Attended { get; }

    /// <summary>The batch-like axes between the batch and the features, in order.</summary>
    public int[] Others { get; }

    /// <summary>Sequences [batch, steps, features] attended over their steps: nothing to fold.</summary>
    public bool IsSequence => Rank == 3;

    private static int[] Normalize(IReadOnlyList<int> given, int rank, string what)
    {
        if (given.Count == 0) throw new ArgumentException($"{what}: 'attention_axes' is empty; it must name at least one axis.");
        var axes = given.Select(axis => axis < 0 ? rank + axis : axis).ToArray();
        for (int i = 0; i < axes.Length; i++)
            if (axes[i] < 1 || axes[i] > rank - 2)
                throw new ArgumentException($"{what}: attention axis {given[i]} is not an axis between the batch and the features of " +
                    $"inputs of rank {rank} (1 to {rank - 2}, or {-(rank - 1)} to -2).");
        if (axes.Distinct().Count() != axes.Length)
            throw new ArgumentException($"{what}: 'attention_axes' [{string.Join(", ", given)}] names an axis twice.");
        return axes;
    }

    /// <summary>Checks the per-sample shapes of a call: the query, value and key have this rank, the key's shape is the
    /// value's but for the features, the batch-like axes of the query and the key agree, and an attention mask is
    /// (batch, other axes..., query's attended axes..., key's attended axes...), as Keras's scores without the heads.</summary>
    public void Validate(Layer layer, IReadOnlyList<int[]> shapes)
    {
        string what = $"Layer '{layer.Name}' ({layer.ClassName})";
        if (shapes.Count is not (2 or 3 or 4))
            throw new ArgumentException($"{what} is called on (query, value) or (query, value, key), and an attention mask; got {shapes.Count} inputs.");
        var sequences = shapes.Take(3).ToList();
        if (sequences.Any(s => s.Length != Rank - 1))
            throw new ArgumentException($"{what} takes query, value and key of one rank, [batch, steps..., features]; got per-sample " +
                $"shapes {string.Join(", ", sequences.Select(Layer.Describe))}.");
        var (query, value) = (shapes[0], shapes[1]);
        var key = shapes.Count >= 3 ? shapes[2] : value;
        if (!key.AsSpan(0, key.Length - 1).SequenceEqual(value.AsSpan(0, value.Length - 1)))
            throw new ArgumentException($"{what}: the key {Layer.Describe(key)} and the value {Layer.Describe(value)} must agree on every " +
                "axis but the features; each key position goes with a value position.");
        if (Others.Any(axis => query[axis - 1] != key[axis - 1]))
            throw new ArgumentException($"{what}: the query {Layer.Describe(query)} and the key {Layer.Describe(key)} must agree on the " +
                $"axes attention does not run over ({string.Join(", ", Others)}), which are batch axes.");
        if (shapes.Count == 4 && !Tensor.SameShape(shapes[3], MaskShape(query, key)))
            throw new ArgumentException($"{what}: the attention mask must be " +
                (IsSequence ? "(batch, query steps, key steps)" : "(batch, other axes..., query positions..., key positions...)") + " = " +
                $"{Layer.Describe(MaskShape(query, key))}; found {Layer.Describe(shapes[3])}.");
    }

    private int[] MaskShape(int[] query, int[] key) =>
        [.. Others.Select(axis => query[axis - 1]), .. Attended.Select(axis => query[axis - 1]), .. Attended.Select(axis => key[axis - 1])];

    /// <summary>Keras's per-sample attention scores: (other axes..., heads, query's attended axes..., key's attended axes...).</summary>
    public int[] ScoresShape(int[] query, int[] key, int heads) =>
        [.. Others.Select(axis => query[axis - 1]), heads, .. Attended.Select(axis => query[axis - 1]), .. Attended.Select(axis => key[axis - 1])];

    /// <summary>x [batch, d1..dn, features] as sequences [batch·Π other axes, Π attended axes, features].</summary>
    public Tensor Fold(Tensor x)
    {
        if (IsSequence) return x;
        var moved = Tensor.Transpose(x, permutation);
        int batch = x.Shape[0] * Others.Aggregate(1, (n, axis) => n * x.Shape[axis]);
        return Tensor.Reshape(moved, batch, Attended.Aggregate(1, (n, axis) => n * x.Shape[axis]), x.Shape[^1]);
    }

    /// <summary>The sequences <see cref="Fold"/> made of <paramref name="query"/>, with <paramref name="width"/> features,
    /// back in the query's layout.</summary>
    public Tensor Unfold(Tensor folded, Tensor query, int width)
    {
        if (IsSequence) return folded;
        int[] movedShape = [query.Shape[0], .. Others.Select(axis => query.Shape[axis]), .. Attended.Select(axis => query.Shape[axis]), width];
        return Tensor.Transpose(Tensor.Reshape(folded, movedShape), inverse);
    }

    /// <summary>Folded scores [batch·Π others, heads, queries, keys] in Keras's layout (see <see cref="ScoresShape"/>).</summary>
    public Tensor UnfoldScores(Tensor scores, Tensor query, Tensor key, int heads) =>
        Tensor.Reshape(scores, [query.Shape[0], .. ScoresShape(query.Shape[1..], key.Shape[1..], heads)]);

    /// <summary>An attention mask in Keras's layout as [batch·Π others, queries, keys], the folded scores' without the heads.</summary>
    public Tensor FoldMask(Tensor mask, int foldedBatch, int queries, int keys) =>
        IsSequence ? mask : Tensor.Reshape(mask, foldedBatch, queries, keys);
}
