namespace Nabla.Layers;

/// <summary>
/// The vocabulary of Keras's IndexLookup (keras/src/layers/preprocessing/index_lookup.py), written once for the
/// integer tokens of <see cref="IntegerLookup"/> and the string tokens of <see cref="StringLookup"/> and
/// <see cref="TextVectorization"/>: the mask token at 0 when there is one and the output is "int", then
/// <c>num_oov_indices</c> OOV indices, then the tokens; a given vocabulary (optionally starting with the special tokens
/// in that order), or one learned by <see cref="Adapt"/>; the tf_idf weights of every index; and the vocabulary size
/// that an encoded output freezes.
/// </summary>
internal sealed class VocabularyTable<T> where T : notnull
{
    /// <summary>What <see cref="IndexOf"/> returns for a value outside the vocabulary when there are no OOV indices.</summary>
    public const int NotFound = -2;

    private readonly string owner;
    private readonly bool hasMask, hasOov;
    private readonly T mask, oov;
    private readonly IComparer<T> order;
    private readonly Func<T, string> show;
    private readonly Func<T, string?> refuseToken;
    private readonly Dictionary<T, int> indexOf = [];
    private T[]? tokens;
    private float[] idf = [];

    /// <param name="order">How Keras sorts tokens to break count ties (NumPy's order of the token values).</param>
    /// <param name="show">A token as messages write it.</param>
    /// <param name="refuseToken">Why a token cannot be held, or null when it can.</param>
    public VocabularyTable(string owner, TokenOutputMode mode, int? maxTokens, int numOovIndices, bool hasMask, T mask,
        bool hasOov, T oov, bool invert, bool padToMaxTokens, IComparer<T> order, Func<T, string> show, Func<T, string?> refuseToken)
    {
        this.owner = owner;
        OutputMode = mode;
        MaxTokens = maxTokens;
        NumOovIndices = numOovIndices;
        (this.hasMask, this.mask, this.hasOov, this.oov) = (hasMask, mask, hasOov, oov);
        Invert = invert;
        PadToMaxTokens = padToMaxTokens;
        (this.order, this.show, this.refuseToken) = (order, show, refuseToken);
    }

    public TokenOutputMode OutputMode { get; }
    public int? MaxTokens { get; }
    public int NumOovIndices { get; }
    public bool Invert { get; }
    public bool PadToMaxTokens { get; }

    /// <summary>Keras's _oov_start_index: 1 after a mask token in "int" output, else 0.</summary>
    public int OovStartIndex => hasMask && OutputMode == TokenOutputMode.Int ? 1 : 0;

    /// <summary>Keras's _token_start_index.</summary>
    public int TokenStartIndex => OovStartIndex + NumOovIndices;

    /// <summary>The tokens without the special ones; null before there is a vocabulary.</summary>
    public IReadOnlyList<T>? Tokens => tokens;

    /// <summary>The vocabulary as given (for the config), or null when adapted or not set.</summary>
    public List<T>? GivenVocabulary { get; private set; }

    public List<double>? GivenIdfWeights { get; private set; }

    /// <summary>The size an encoded output keeps once known (Keras's vocabulary_size in the config).</summary>
    public int? FrozenSize { get; set; }

    public int? Size => tokens is null ? null : TokenStartIndex + tokens.Length;

    /// <summary>The number of slots of an encoded output when known.</summary>
    public int? Depth => PadToMaxTokens ? MaxTokens!.Value : Size ?? FrozenSize;

    public ReadOnlySpan<float> Idf => idf;

    /// <summary>Keras's <c>set_vocabulary</c>: the tokens, optionally after the special tokens in layout order, and for
    /// "tf_idf" one weight per entry (the OOV indices get the weights' average when the vocabulary does not start with
    /// them; pad_to_max_tokens pads the back with zeros).</summary>
    public void SetVocabulary(IReadOnlyList<T> vocabulary, IReadOnlyList<double>? idfWeights)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (OutputMode == TokenOutputMode.TfIdf && idfWeights is null)
            throw new ArgumentException($"{owner}: output_mode \"tf_idf\" needs 'idf_weights' with the vocabulary.");
        if (OutputMode != TokenOutputMode.TfIdf && idfWeights is not null)
            throw new ArgumentException($"{owner}: 'idf_weights' are only read with output_mode \"tf_idf\".");
        if (vocabulary.Count == 0) throw new ArgumentException($"{owner}: cannot set an empty vocabulary.");
        bool withSpecials = StartsWithSpecialTokens(vocabulary);
        var given = withSpecials ? vocabulary.Skip(TokenStartIndex).ToArray() : [.. vocabulary];
        if (idfWeights is not null && idfWeights.Count != vocabulary.Count)
            throw new ArgumentException(
                $"{owner}: {idfWeights.Count} 'idf_weights' for a vocabulary of {vocabulary.Count}; give one weight per entry.");
        float[]? weights = null;
        if (idfWeights is not null)
        {
            double average = idfWeights.Average();
            int front = withSpecials ? 0 : TokenStartIndex;
            weights = [.. Enumerable.Repeat((float)average, front).Concat(idfWeights.Select(w => (float)w))];
        }
        Install(given, weights, "vocabulary");
        GivenVocabulary = [.. vocabulary];
        GivenIdfWeights = idfWeights?.ToList();
    }

    /// <summary>The special tokens in layout order; Has is false where the token is None.</summary>
    public IEnumerable<(bool Has, T Value)> SpecialTokens =>
        Enumerable.Repeat((hasMask, mask), OovStartIndex).Concat(Enumerable.Repeat((hasOov, oov), NumOovIndices));

    /// <summary>Whether the vocabulary starts with the special tokens, which Keras then strips; true for an empty prefix,
    /// as NumPy's array_equal of two empty arrays.</summary>
    private bool StartsWithSpecialTokens(IReadOnlyList<T> vocabulary)
    {
        if (vocabulary.Count < TokenStartIndex) return false;
        int i = 0;
        foreach (var (has, value) in SpecialTokens)
            if (!has || !EqualityComparer<T>.Default.Equals(value, vocabulary[i++])) return false;
        return true;
    }

    /// <summary>
    /// Keras's adapt (index_lookup.py, update_state and finalize_state): every token is counted; the mask and OOV tokens
    /// are left out; the tokens are sorted by count, most frequent first, ties broken by the larger token first
    /// (<c>np.lexsort((tokens, counts))[::-1]</c>), and cut to max_tokens minus the special indices. For "tf_idf" each
    /// document's weight is log(1 + documents / (1 + documents holding it)); the OOV indices get the weights' mean.
    /// </summary>
    public void Adapt(IEnumerable<IEnumerable<T>> documents)
    {
        if (GivenVocabulary is not null)
            throw new InvalidOperationException($"{owner} was given a vocabulary; as in Keras, it cannot be adapted after that.");
        var counts = new Dictionary<T, long>();
        var documentCounts = new Dictionary<T, long>();
        var inDocument = new HashSet<T>();
        long count = 0;
        foreach (var document in documents)
        {
            count++;
            inDocument.Clear();
            foreach (var token in document)
            {
                counts[token] = counts.GetValueOrDefault(token) + 1;
                if (inDocument.Add(token)) documentCounts[token] = documentCounts.GetValueOrDefault(token) + 1;
            }
        }
        if (count == 0) throw new ArgumentException($"{owner}: Adapt needs a non-empty data set.");
        if (hasMask) counts.Remove(mask);
        if (hasOov) counts.Remove(oov);
        var sorted = counts.OrderByDescending(c => c.Value).ThenByDescending(c => c.Key, order).Select(c => c.Key);
        // Keras cuts only when max_tokens is truthy (set and not 0).
        var learned = (MaxTokens is int max ? sorted.Take(Math.Max(0, max - TokenStartIndex)) : sorted).ToArray();
        float[]? weights = null;
        if (OutputMode == TokenOutputMode.TfIdf)
        {
            var tokenWeights = learned.Select(t => (float)Math.Log(1 + (double)count / (1 + documentCounts[t]))).ToArray();
            float mean = tokenWeights.Length == 0 ? 0 : tokenWeights.Sum() / tokenWeights.Length;
            weights = [.. Enumerable.Repeat(mean, TokenStartIndex), .. tokenWeights];
        }
        Install(learned, weights, "adapted vocabulary");
    }

    /// <summary>Checks and installs the tokens (without special tokens) and, for tf_idf, the weights of the indices before
    /// the padding; refuses repeated tokens, a misplaced mask or (inverting) OOV token, tokens the owner cannot hold and a
    /// vocabulary beyond max_tokens.</summary>
    private void Install(T[] newTokens, float[]? weights, string origin)
    {
        var repeated = newTokens.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => show(g.Key)).ToList();
        if (repeated.Count > 0)
            throw new ArgumentException($"{owner}: the {origin} repeats {string.Join(", ", repeated.Take(10))}; each token must appear once.");
        if (hasMask && newTokens.Contains(mask))
            throw new ArgumentException(
                $"{owner}: the {origin} holds the mask token {show(mask)} among its tokens; leave the mask and OOV tokens out, or put them " +
                $"first in layout order ({string.Join(", ", SpecialTokens.Select(s => s.Has ? show(s.Value) : "None"))}).");
        if (Invert && hasOov && newTokens.Contains(oov))
            throw new ArgumentException($"{owner}: the {origin} holds the OOV token {show(oov)} among its tokens, which an inverting layer outputs for unknown indices.");
        foreach (var t in newTokens)
            if (refuseToken(t) is { } why) throw new ArgumentException($"{owner}: the {origin} holds {show(t)}, {why}.");
        int size = TokenStartIndex + newTokens.Length;
        if (MaxTokens is int max && size > max)
            throw new ArgumentException($"{owner}: a {origin} of {size} indices (mask and OOV included) is larger than max_tokens = {max}.");
        // Keras's _ensure_vocab_size_unchanged: an encoded output's vocabulary size, once set, stays.
        if (!PadToMaxTokens && FrozenSize is int frozen && OutputMode != TokenOutputMode.Int && frozen != size)
            throw new InvalidOperationException(
                $"{owner}: the {origin} has {size} indices where the layer's vocabulary size is {frozen}; as in Keras, the vocabulary " +
                $"size of output_mode \"{OutputMode.KerasName()}\" cannot change (unless pad_to_max_tokens).");
        BeforeInstall?.Invoke(size);
        indexOf.Clear();
        for (int i = 0; i < newTokens.Length; i++) indexOf[newTokens[i]] = TokenStartIndex + i;
        tokens = newTokens;
        FrozenSize = size;
        idf = weights is null ? [] : [.. weights, .. new float[PadToMaxTokens ? MaxTokens!.Value - weights.Length : 0]];
    }

    /// <summary>A last check of the owner on the new vocabulary size (a built layer's frozen output).</summary>
    public Action<int>? BeforeInstall { get; init; }

    /// <summary>The index of a value: 0 for the mask token in "int" output (<see cref="TokenEncoding.Dropped"/> otherwise),
    /// its vocabulary index, or among several OOV indices the one <paramref name="oovBucket"/> picks;
    /// <see cref="NotFound"/> when it is unknown and there are no OOV indices.</summary>
    public int IndexOf(T value, Func<T, int, int> oovBucket)
    {
        if (hasMask && EqualityComparer<T>.Default.Equals(value, mask))
            return OutputMode == TokenOutputMode.Int ? 0 : TokenEncoding.Dropped;
        if (indexOf.TryGetValue(value, out int index)) return index;
        if (NumOovIndices == 0) return NotFound;
        return OovStartIndex + (NumOovIndices == 1 ? 0 : oovBucket(value, NumOovIndices));
    }

    /// <summary>Inverting: the token of an index, the mask token at 0 when there is one, else the OOV token.</summary>
    public T TokenAt(int index) =>
        hasMask && OutputMode == TokenOutputMode.Int && index == 0 ? mask
        : index >= TokenStartIndex && index - TokenStartIndex < tokens!.Length ? tokens[index - TokenStartIndex]
        : oov;

    /// <summary>What the config writes: a given vocabulary as given; an adapted one after the special tokens in layout order
    /// when they all have a value (so that Keras reads the OOV weights as they are), with the weight of every entry.</summary>
    public (IReadOnlyList<T>? Vocabulary, IReadOnlyList<double>? Weights) Written()
    {
        if (GivenVocabulary is not null) return (GivenVocabulary, GivenIdfWeights);
        if (tokens is null) return (null, null);
        bool specials = SpecialTokens.All(s => s.Has);
        var vocabulary = (specials ? SpecialTokens.Select(s => s.Value) : []).Concat(tokens).ToList();
        var weights = OutputMode == TokenOutputMode.TfIdf
            ? idf.Skip(specials ? 0 : TokenStartIndex).Take(vocabulary.Count).Select(w => (double)w).ToList()
            : null;
        return (vocabulary, weights);
    }
}
