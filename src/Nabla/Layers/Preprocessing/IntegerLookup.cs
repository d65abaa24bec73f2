using System.Globalization;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>IntegerLookup</c> (keras/src/layers/preprocessing/integer_lookup.py over index_lookup.py): maps integer
/// values to indices in a vocabulary laid out as Keras's IndexLookup lays it out: the mask token at 0 when
/// <c>mask_token</c> is set and the output is "int", then <c>num_oov_indices</c> out-of-vocabulary indices, then the
/// vocabulary's tokens. A value outside the vocabulary goes to the OOV index, or with several of them to
/// floormod(value, num_oov_indices) among them (Keras's default <c>oov_method</c> for integers), and is refused when
/// there are none. The mask token maps to 0 in "int" output and is dropped from encoded outputs ("one_hot",
/// "multi_hot", "count", "tf_idf"; see <see cref="TokenEncoding"/>). <c>invert</c> maps indices back to tokens (OOV and
/// unknown indices to <c>oov_token</c>). The vocabulary is given or learned by <see cref="Adapt"/>.
/// </summary>
/// <remarks>Tokens are carried as float32 values, so a vocabulary token must be an integer of magnitude at most 2^24
/// (larger ones have no exact float32); Keras's <c>vocabulary_dtype</c> is "int64" only, as in Keras. Not supported:
/// a vocabulary file path, sparse outputs, <c>oov_method="farmhash"</c>.</remarks>
public sealed partial class IntegerLookup : TokenLayer
{
    /// <summary>The largest token magnitude a float32 holds exactly, with every integer below it.</summary>
    public const long LargestToken = 1L << 24;

    private long[]? tokens;
    private readonly Dictionary<long, int> indexOf = [];
    private float[] idf = [];
    private List<long>? givenVocabulary;
    private List<double>? givenIdfWeights;
    private int? frozenVocabularySize;

    /// <param name="maxTokens">Keras's <c>max_tokens</c>: the largest vocabulary, mask and OOV indices included; null for none.</param>
    /// <param name="numOovIndices">Keras's <c>num_oov_indices</c> (1).</param>
    /// <param name="maskToken">Keras's <c>mask_token</c> (None).</param>
    /// <param name="oovToken">Keras's <c>oov_token</c> (−1): what <c>invert</c> outputs for an OOV index.</param>
    /// <param name="vocabulary">Keras's <c>vocabulary</c>, optionally starting with the mask and OOV tokens in layout order.</param>
    /// <param name="idfWeights">Keras's <c>idf_weights</c>, one per vocabulary entry; "tf_idf" only, and required with a vocabulary there.</param>
    /// <param name="outputMode">"int" (Keras's default), "one_hot", "multi_hot", "count" or "tf_idf".</param>
    /// <param name="padToMaxTokens">Keras's <c>pad_to_max_tokens</c>: encoded outputs have max_tokens slots.</param>
    public IntegerLookup(int? maxTokens = null, int numOovIndices = 1, long? maskToken = null, long? oovToken = -1,
        IReadOnlyList<long>? vocabulary = null, IReadOnlyList<double>? idfWeights = null, bool invert = false,
        string outputMode = "int", bool sparse = false, bool padToMaxTokens = false, int[]? inputShape = null, string? name = null)
        : base(TokenOutputModes.Parse("IntegerLookup" + (name is null ? "" : $" '{name}'"), outputMode, deprecatedNames: true,
            TokenOutputMode.Int, TokenOutputMode.OneHot, TokenOutputMode.MultiHot, TokenOutputMode.Count, TokenOutputMode.TfIdf),
            name, inputShape)
    {
        RefuseSparse(sparse);
        if (maxTokens is <= 1)
            throw new ArgumentException($"{Owner}: 'max_tokens' must be greater than 1 when set, found {maxTokens}.", nameof(maxTokens));
        if (padToMaxTokens && maxTokens is null)
            throw new ArgumentException($"{Owner}: 'pad_to_max_tokens' is true but 'max_tokens' is not set.", nameof(padToMaxTokens));
        if (numOovIndices < 0)
            throw new ArgumentException($"{Owner}: 'num_oov_indices' must be >= 0, found {numOovIndices}.", nameof(numOovIndices));
        if (invert && OutputMode != TokenOutputMode.Int)
            throw new ArgumentException($"{Owner}: 'invert' needs output_mode \"int\", found \"{OutputMode.KerasName()}\".", nameof(invert));
        if (invert && oovToken is null)
            throw new ArgumentException($"{Owner}: 'invert' needs an 'oov_token' to output for unknown indices, found null.", nameof(oovToken));
        if (idfWeights is not null && OutputMode != TokenOutputMode.TfIdf)
            throw new ArgumentException($"{Owner}: 'idf_weights' are only read with output_mode \"tf_idf\", found \"{OutputMode.KerasName()}\".", nameof(idfWeights));
        if (OutputMode == TokenOutputMode.TfIdf && vocabulary is not null && idfWeights is null)
            throw new ArgumentException($"{Owner}: output_mode \"tf_idf\" with a 'vocabulary' needs its 'idf_weights' too.", nameof(idfWeights));
        foreach (var (what, token) in new[] { ("mask_token", maskToken), ("oov_token", oovToken) })
            if (token is long t && Math.Abs(t) > LargestToken)
                throw new ArgumentException($"{Owner}: '{what}' {t} is beyond ±2^24, which float32 values cannot hold exactly.");
        // Every slot is a float of each encoded output row (and of the tf_idf weights): a config asking for more than the
        // weight budget holds is refused before anything is allocated.
        long slots = Math.Max(maxTokens ?? 0, 1L + numOovIndices);
        if (4 * slots > WeightBudget.MaxBytes)
            throw new ArgumentException(
                $"{Owner}: {slots} indices (max_tokens {maxTokens?.ToString(CultureInfo.InvariantCulture) ?? "None"}, num_oov_indices " +
                $"{numOovIndices}) exceed WeightBudget.MaxBytes ({WeightBudget.MaxBytes} bytes of float32 slots).");
        MaxTokens = maxTokens;
        NumOovIndices = numOovIndices;
        MaskToken = maskToken;
        OovToken = oovToken;
        Invert = invert;
        PadToMaxTokens = padToMaxTokens;
        if (vocabulary is not null) SetVocabulary(vocabulary, idfWeights);
    }

    public override string ClassName => "IntegerLookup";

    public int? MaxTokens { get; }

    public int NumOovIndices { get; }

    public long? MaskToken { get; }

    public long? OovToken { get; }

    public bool Invert { get; }

    public bool PadToMaxTokens { get; }

    /// <summary>Where the OOV indices start: 1 after a mask token in "int" output, else 0 (Keras's _oov_start_index).</summary>
    public int OovStartIndex => MaskToken is not null && OutputMode == TokenOutputMode.Int ? 1 : 0;

    /// <summary>Where the vocabulary's tokens start (Keras's _token_start_index).</summary>
    public int TokenStartIndex => OovStartIndex + NumOovIndices;

    /// <summary>Whether the layer has a vocabulary (given, adapted or loaded).</summary>
    public bool HasVocabulary => tokens is not null;

    /// <summary>Keras's <c>vocabulary_size()</c>: mask and OOV indices included.</summary>
    public int VocabularySize => tokens is null ? throw NoVocabulary() : TokenStartIndex + tokens.Length;

    /// <summary>Keras's <c>get_vocabulary()</c>: the token of every index (the mask token, the OOV token for each OOV
    /// index, then the tokens); with <paramref name="includeSpecialTokens"/> false, the tokens only.</summary>
    public IReadOnlyList<long?> GetVocabulary(bool includeSpecialTokens = true)
    {
        if (tokens is null) throw NoVocabulary();
        var special = Enumerable.Repeat(MaskToken, OovStartIndex).Concat(Enumerable.Repeat(OovToken, NumOovIndices));
        return [.. (includeSpecialTokens ? special : []).Concat(tokens.Select(t => (long?)t))];
    }

    private protected override int? KnownDepth => PadToMaxTokens ? MaxTokens!.Value
        : tokens is not null ? VocabularySize
        : frozenVocabularySize;

    internal override ReadOnlySpan<float> IdfWeights => idf;

    private protected override bool IsReady => tokens is not null;

    private protected override string NotReady =>
        $"{Owner} has no vocabulary: give 'vocabulary' or call Adapt(data) first (a Keras config of an adapted layer keeps it in " +
        "the .keras archive's assets, assets/<layer path>/vocabulary.txt, which only loading that archive reads).";

    private InvalidOperationException NoVocabulary() => new(NotReady);

    /// <summary>Keras's <c>set_vocabulary</c>: the tokens, optionally after the mask and OOV tokens in layout order, and
    /// for "tf_idf" one weight per entry (the OOV indices get the weights' average when the vocabulary does not start with
    /// them; pad_to_max_tokens pads the back with zeros).</summary>
    public void SetVocabulary(IReadOnlyList<long> vocabulary, IReadOnlyList<double>? idfWeights = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (OutputMode == TokenOutputMode.TfIdf && idfWeights is null)
            throw new ArgumentException($"{Owner}: output_mode \"tf_idf\" needs 'idf_weights' with the vocabulary.");
        if (OutputMode != TokenOutputMode.TfIdf && idfWeights is not null)
            throw new ArgumentException($"{Owner}: 'idf_weights' are only read with output_mode \"tf_idf\".");
        if (vocabulary.Count == 0) throw new ArgumentException($"{Owner}: cannot set an empty vocabulary.");
        bool withSpecials = StartsWithSpecialTokens(vocabulary);
        var given = withSpecials ? vocabulary.Skip(TokenStartIndex).ToArray() : [.. vocabulary];
        if (idfWeights is not null && idfWeights.Count != vocabulary.Count)
            throw new ArgumentException(
                $"{Owner}: {idfWeights.Count} 'idf_weights' for a vocabulary of {vocabulary.Count}; give one weight per entry.");
        float[]? weights = null;
        if (idfWeights is not null)
        {
            double average = idfWeights.Average();
            int front = withSpecials ? 0 : TokenStartIndex;
            weights = [.. Enumerable.Repeat((float)average, front).Concat(idfWeights.Select(w => (float)w))];
        }
        Install(given, weights, "vocabulary");
        givenVocabulary = [.. vocabulary];
        givenIdfWeights = idfWeights?.ToList();
    }

    /// <summary>Whether the vocabulary starts with the special tokens ([mask]·oov start + [oov]·num_oov_indices), which
    /// Keras then strips; true for an empty prefix, as NumPy's array_equal of two empty arrays.</summary>
    private bool StartsWithSpecialTokens(IReadOnlyList<long> vocabulary)
    {
        if (vocabulary.Count < TokenStartIndex) return false;
        for (int i = 0; i < TokenStartIndex; i++)
            if ((i < OovStartIndex ? MaskToken : OovToken) != vocabulary[i]) return false;
        return true;
    }

    /// <summary>Checks and installs the tokens (without special tokens) and, for tf_idf, the weights of the indices before
    /// the padding; refuses repeated tokens, a misplaced mask or (inverting) OOV token, tokens beyond ±2^24 and a
    /// vocabulary beyond max_tokens.</summary>
    private void Install(long[] newTokens, float[]? weights, string origin)
    {
        var repeated = newTokens.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0)
            throw new ArgumentException($"{Owner}: the {origin} repeats {string.Join(", ", repeated.Take(10))}; each token must appear once.");
        if (MaskToken is long mask && newTokens.Contains(mask))
            throw new ArgumentException(
                $"{Owner}: the {origin} holds the mask token {mask} among its tokens; leave the mask and OOV tokens out, or put them " +
                $"first in layout order ({string.Join(", ", Enumerable.Repeat(MaskToken, OovStartIndex).Concat(Enumerable.Repeat(OovToken, NumOovIndices)))}).");
        if (Invert && OovToken is long oov && newTokens.Contains(oov))
            throw new ArgumentException($"{Owner}: the {origin} holds the OOV token {oov} among its tokens, which an inverting layer outputs for unknown indices.");
        foreach (long t in newTokens)
            if (Math.Abs(t) > LargestToken)
                throw new ArgumentException($"{Owner}: the {origin} holds {t}, beyond ±2^24, which float32 values cannot hold exactly.");
        int size = TokenStartIndex + newTokens.Length;
        if (MaxTokens is int max && size > max)
            throw new ArgumentException($"{Owner}: a {origin} of {size} indices (mask and OOV included) is larger than max_tokens = {max}.");
        // Keras's _ensure_vocab_size_unchanged: an encoded output's vocabulary size, once set (by a vocabulary, an adapt or
        // the config's vocabulary_size), stays.
        if (!PadToMaxTokens && frozenVocabularySize is int frozen && OutputMode != TokenOutputMode.Int && frozen != size)
            throw new InvalidOperationException(
                $"{Owner}: the {origin} has {size} indices where the layer's vocabulary size is {frozen}; as in Keras, the vocabulary " +
                $"size of output_mode \"{OutputMode.KerasName()}\" cannot change (unless pad_to_max_tokens).");
        if (!PadToMaxTokens) CheckDepthUnchanged(size);
        indexOf.Clear();
        for (int i = 0; i < newTokens.Length; i++) indexOf[newTokens[i]] = TokenStartIndex + i;
        tokens = newTokens;
        frozenVocabularySize = size;
        idf = weights is null ? [] : [.. weights, .. new float[PadToMaxTokens ? MaxTokens!.Value - weights.Length : 0]];
    }

    internal override void ToIndices(ReadOnlySpan<float> values, Span<int> indices, int[] shape)
    {
        for (int i = 0; i < values.Length; i++)
        {
            long value = IntegerAt(values, i, shape);
            if (Invert) indices[i] = (int)Math.Clamp(value, int.MinValue, int.MaxValue); // WriteInt maps it to its token
            else if (MaskToken == value) indices[i] = OutputMode == TokenOutputMode.Int ? 0 : TokenEncoding.Dropped;
            else if (indexOf.TryGetValue(value, out int index)) indices[i] = index;
            else if (NumOovIndices == 0)
                throw new ArgumentException(
                    $"{Owner}: the value at {Where(i, shape)} is {value.ToString(CultureInfo.InvariantCulture)}, which is not in the " +
                    "vocabulary, and num_oov_indices is 0 (set it to 1 or more to map unknown values).");
            else indices[i] = OovStartIndex + (int)(((value % NumOovIndices) + NumOovIndices) % NumOovIndices);
        }
    }

    /// <summary>Inverting, each index becomes its token: the mask token at 0 when there is one, the OOV token for OOV and
    /// unknown indices.</summary>
    internal override void WriteInt(ReadOnlySpan<int> indices, Span<float> output)
    {
        if (!Invert)
        {
            base.WriteInt(indices, output);
            return;
        }
        var known = tokens!;
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            output[i] = MaskToken is long mask && index == 0 ? mask
                : index >= TokenStartIndex && index - TokenStartIndex < known.Length ? known[index - TokenStartIndex]
                : OovToken!.Value;
        }
    }
}
