namespace Nabla.Layers;

/// <summary>
/// The encodings Keras's numeric preprocessing layers share (keras/src/utils/numerical_utils.py and
/// keras/src/utils/tf_utils.py, <c>encode_categorical_inputs</c>), written once: each sample's indices become
/// <c>depth</c> slots holding a one-hot row, the presence of each index (multi_hot), how often it occurs (count), or
/// that count times the index's inverse document frequency (tf_idf). As Keras's TensorFlow path, an encoded output has
/// rank 2 at most: one_hot reads one index per sample (a scalar or a last axis of 1); the others read a sample's last axis.
/// </summary>
internal static class TokenEncoding
{
    /// <summary>An index that no slot counts: a mask token in an encoded output (Keras maps it past the bincount's end).</summary>
    public const int Dropped = -1;

    /// <summary>The per-sample output shape of <paramref name="mode"/> for a per-sample input shape.</summary>
    public static int[] OutputShape(TokenOutputMode mode, int[] inputShape, int depth, string owner)
    {
        switch (mode)
        {
            case TokenOutputMode.Int:
                return inputShape;
            case TokenOutputMode.OneHot when inputShape.Length == 0 || (inputShape.Length == 1 && inputShape[0] == 1):
                return [depth];
            case TokenOutputMode.OneHot:
                throw new ArgumentException(
                    $"{owner}: output_mode \"one_hot\" takes one value per sample (inputs (None,) or (None, 1)), but receives " +
                    $"{Layer.Describe(inputShape)}; Keras encodes up to rank 2 outputs only (use multi_hot or count for several values per sample).");
            default:
                if (inputShape.Length == 1) return [depth];
                throw new ArgumentException(
                    $"{owner}: output_mode \"{mode.KerasName()}\" takes a sample's values on one axis (inputs (None, n)), but receives " +
                    $"{Layer.Describe(inputShape)}; " + (inputShape.Length == 0
                        ? "Keras would count the whole batch as one sample: give the inputs a last axis of 1."
                        : "Keras encodes up to rank 2 outputs only."));
        }
    }

    /// <summary>Writes the encoding of <paramref name="indices"/> (<paramref name="rows"/> samples, each the same number
    /// of indices, each in 0..depth−1 or <see cref="Dropped"/>) into <paramref name="output"/> [rows, depth].
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
