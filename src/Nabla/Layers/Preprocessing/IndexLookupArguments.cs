namespace Nabla.Layers;

/// <summary>The argument checks Keras's IndexLookup makes (keras/src/layers/preprocessing/index_lookup.py), shared by
/// <see cref="IntegerLookup"/> and <see cref="StringLookup"/>.</summary>
internal static class IndexLookupArguments
{
    public static void Check(string owner, TokenOutputMode mode, int? maxTokens, bool padToMaxTokens, int numOovIndices,
        bool invert, bool hasOovToken, bool hasIdfWeights, bool hasVocabulary)
    {
        if (maxTokens is <= 1)
            throw new ArgumentException($"{owner}: 'max_tokens' must be greater than 1 when set, found {maxTokens}.", nameof(maxTokens));
        if (padToMaxTokens && maxTokens is null)
            throw new ArgumentException($"{owner}: 'pad_to_max_tokens' is true but 'max_tokens' is not set.", nameof(padToMaxTokens));
        if (numOovIndices < 0)
            throw new ArgumentException($"{owner}: 'num_oov_indices' must be >= 0, found {numOovIndices}.", nameof(numOovIndices));
        if (invert && mode != TokenOutputMode.Int)
            throw new ArgumentException($"{owner}: 'invert' needs output_mode \"int\", found \"{mode.KerasName()}\".", nameof(invert));
        if (invert && !hasOovToken)
            throw new ArgumentException($"{owner}: 'invert' needs an 'oov_token' to output for unknown indices, found null.", "oovToken");
        if (hasIdfWeights && mode != TokenOutputMode.TfIdf)
            throw new ArgumentException($"{owner}: 'idf_weights' are only read with output_mode \"tf_idf\", found \"{mode.KerasName()}\".", "idfWeights");
        if (mode == TokenOutputMode.TfIdf && hasVocabulary && !hasIdfWeights)
            throw new ArgumentException($"{owner}: output_mode \"tf_idf\" with a 'vocabulary' needs its 'idf_weights' too.", "idfWeights");
    }
}
