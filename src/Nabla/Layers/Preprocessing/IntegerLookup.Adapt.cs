namespace Nabla.Layers;

/// <summary>IntegerLookup's <c>adapt</c>: the vocabulary learned from data, as Keras's IndexLookup learns it.</summary>
public sealed partial class IntegerLookup
{
    /// <summary>
    /// Keras's <c>adapt</c> on one array (keras/src/layers/preprocessing/index_lookup.py, update_state and finalize_state):
    /// every value is counted; the mask and OOV tokens are left out; the tokens are sorted by count, most frequent first,
    /// ties broken by the larger token first (Keras's <c>np.lexsort((tokens, counts))[::-1]</c>), and cut to
    /// max_tokens minus the mask and OOV indices. In "tf_idf" mode each sample is a document (each value of a rank-1 array,
    /// each row of a rank-2 one) and a token's weight is log(1 + documents / (1 + documents holding it)); the OOV indices
    /// get the weights' mean (summed in float32 in order; TensorFlow's reduce_mean may order the sum otherwise, a last-bit
    /// difference). Refused on a layer given a vocabulary, as in Keras.
    /// </summary>
    public void Adapt(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (table.GivenVocabulary is not null)
            throw new InvalidOperationException($"{Owner} was given a vocabulary; as in Keras, it cannot be adapted after that.");
        if (data.Size == 0)
            throw new ArgumentException($"{Owner}: Adapt needs a non-empty data set, got shape {Tensor.ShapeString(data.Shape)}.");
        if (OutputMode == TokenOutputMode.TfIdf && data.Rank > 2)
            throw new ArgumentException(
                $"{Owner}: in \"tf_idf\" mode Adapt reads documents as rows of a rank-2 array (or values of a rank-1 one), got shape " +
                $"{Tensor.ShapeString(data.Shape)}.");
        int documents = data.Rank <= 1 ? data.Size : data.Shape[0];
        int perDocument = data.Size / documents;
        var values = new long[data.Size];
        for (int i = 0; i < values.Length; i++) values[i] = IntegerAt(data.Data, i, data.Shape);
        table.Adapt(Enumerable.Range(0, documents).Select(d => values.Skip(d * perDocument).Take(perDocument)));
    }
}
