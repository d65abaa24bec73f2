namespace Nabla.Layers;

/// <summary>
/// The encodings Keras's numeric preprocessing layers share (keras/src/utils/numerical_utils.py,
/// <c>encode_categorical_inputs</c>, and the layers' <c>compute_output_shape</c>), written once: indices become
/// <c>depth</c> slots holding a one-hot row per value ("one_hot": a last axis of 1 is encoded in place, any other gets a
/// new last axis), or per sample of inputs (None, n) the presence of each index ("multi_hot"), how often it
/// occurs ("count"), or that count times the index's inverse document frequency ("tf_idf").
/// </summary>
internal static class TokenEncoding
{
    /// <summary>An index that no slot counts: a mask token in an encoded output (Keras maps it past the bincount's end).</summary>
    public const int Dropped = -1;

    /// <summary>The per-sample output shape of <paramref name="mode"/> for a per-sample input shape.</summary>
    public static int[] OutputShape(TokenOutputMode mode, int[] inputShape, int depth, string owner)
    {
        if (mode == TokenOutputMode.Int) return inputShape;
        if (mode == TokenOutputMode.OneHot)
            return inputShape is [.. var leading, 1] ? [.. leading, depth] : [.. inputShape, depth];
        if (inputShape.Length == 1) return [depth];
        throw new ArgumentException(
            $"{owner}: output_mode \"{mode.KerasName()}\" reads each sample's values on one axis, (None, n), but receives " +
            $"{Layer.Describe(inputShape)}; " + (inputShape.Length == 0
                ? "Keras would count the whole batch as one sample. Give the inputs a last axis of 1."
                : "Keras's versions disagree on the shape of such an output (rank 2 is the one they share), so Nabla refuses it."));
    }

    /// <summary>Writes the encoding of <paramref name="indices"/> (<paramref name="rows"/> groups of the same number of
    /// indices, each in 0..depth−1 or <see cref="Dropped"/>: one index per group for one_hot, a sample's last axis
    /// otherwise) into <paramref name="output"/> [rows, depth].
    /// <paramref name="idf"/> holds one weight per slot for tf_idf and is not read otherwise.</summary>
    public static void Encode(TokenOutputMode mode, ReadOnlySpan<int> indices, int rows, int depth,
        ReadOnlySpan<float> idf, Span<float> output)
    {
        output.Clear();
        int perRow = rows == 0 ? 0 : indices.Length / rows;
        for (int r = 0; r < rows; r++)
        {
            var slots = output.Slice(r * depth, depth);
            foreach (int index in indices.Slice(r * perRow, perRow))
            {
                if (index == Dropped) continue;
                if (mode is TokenOutputMode.Count or TokenOutputMode.TfIdf) slots[index] += 1;
                else slots[index] = 1;
            }
            // Keras multiplies the counts by the weights, as here, rather than summing the weights.
            if (mode == TokenOutputMode.TfIdf)
                for (int s = 0; s < depth; s++) slots[s] *= idf[s];
        }
    }
}
