namespace Nabla.Data;

public static partial class Preprocessing
{
    /// <summary>
    /// Keras's <c>keras.utils.pad_sequences</c> (keras/src/utils/sequence_utils.py): token-id sequences of any lengths
    /// to one tensor [sequences, maxlen], each cut to its last (<paramref name="truncating"/> "pre", Keras's default) or
    /// first ("post") <paramref name="maxlen"/> entries and filled with <paramref name="value"/> before ("pre") or after
    /// ("post") it. Without <paramref name="maxlen"/>, the longest sequence's length.
    /// </summary>
    public static Tensor PadSequences(IReadOnlyList<IReadOnlyList<int>> sequences, int? maxlen = null, string padding = "pre",
        string truncating = "pre", float value = 0) =>
        PadSequences([.. sequences.Select(s => s?.Select(id => (float)id).ToArray() ?? throw NullSequence())], maxlen, padding, truncating, value);

    /// <inheritdoc cref="PadSequences(IReadOnlyList{IReadOnlyList{int}}, int?, string, string, float)"/>
    public static Tensor PadSequences(IReadOnlyList<IReadOnlyList<float>> sequences, int? maxlen = null, string padding = "pre",
        string truncating = "pre", float value = 0)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (padding is not ("pre" or "post"))
            throw new ArgumentException($"PadSequences: padding must be \"pre\" or \"post\"; found '{padding}'.", nameof(padding));
        if (truncating is not ("pre" or "post"))
            throw new ArgumentException($"PadSequences: truncating must be \"pre\" or \"post\"; found '{truncating}'.", nameof(truncating));
        if (maxlen is < 1) throw new ArgumentOutOfRangeException(nameof(maxlen), maxlen, "maxlen must be at least 1.");
        if (sequences.Any(s => s is null)) throw NullSequence();
        int length = maxlen ?? (sequences.Count == 0 ? 0 : sequences.Max(s => s.Count));
        if (length == 0)
            throw new ArgumentException("PadSequences: every sequence is empty, so there is no length to pad to; pass maxlen.", nameof(sequences));
        long size = (long)sequences.Count * length;
        if (size > Array.MaxLength)
            throw new ArgumentException($"PadSequences: {sequences.Count} sequences of {length} make {size:N0} values, more than one tensor holds.", nameof(maxlen));
        var result = Tensor.Full(value, sequences.Count, length);
        var data = result.Data.AsSpan();
        for (int i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i];
            int kept = Math.Min(s.Count, length);
            int from = truncating == "pre" ? s.Count - kept : 0;
            int to = padding == "pre" ? length - kept : 0;
            for (int k = 0; k < kept; k++) data[i * length + to + k] = s[from + k];
        }
        return result;
    }

    private static ArgumentException NullSequence() => new("PadSequences: a sequence is null; pass an empty one for no tokens.", "sequences");
}
