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

    private readonly VocabularyTable<long> table;

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
        IndexLookupArguments.Check(Owner, OutputMode, maxTokens, padToMaxTokens, numOovIndices, invert, oovToken is not null,
            idfWeights is not null, vocabulary is not null);
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
        MaskToken = maskToken;
        OovToken = oovToken;
        table = new VocabularyTable<long>(Owner, OutputMode, maxTokens, numOovIndices, maskToken is not null, maskToken ?? 0,
            oovToken is not null, oovToken ?? 0, invert, padToMaxTokens, Comparer<long>.Default,
            t => t.ToString(CultureInfo.InvariantCulture),
            t => Math.Abs(t) > LargestToken ? "beyond ±2^24, which float32 values cannot hold exactly" : null)
        {
            BeforeInstall = size => { if (!padToMaxTokens) CheckDepthUnchanged(size); },
        };
        if (vocabulary is not null) SetVocabulary(vocabulary, idfWeights);
    }

    public override string ClassName => "IntegerLookup";

    public int? MaxTokens => table.MaxTokens;

    public int NumOovIndices => table.NumOovIndices;

    public long? MaskToken { get; }

    public long? OovToken { get; }

    public bool Invert => table.Invert;

    public bool PadToMaxTokens => table.PadToMaxTokens;

    /// <summary>Where the OOV indices start: 1 after a mask token in "int" output, else 0 (Keras's _oov_start_index).</summary>
    public int OovStartIndex => table.OovStartIndex;

    /// <summary>Where the vocabulary's tokens start (Keras's _token_start_index).</summary>
    public int TokenStartIndex => table.TokenStartIndex;

    /// <summary>Whether the layer has a vocabulary (given, adapted or loaded).</summary>
    public bool HasVocabulary => table.Tokens is not null;

    /// <summary>Keras's <c>vocabulary_size()</c>: mask and OOV indices included.</summary>
    public int VocabularySize => table.Size ?? throw NoVocabulary();

    /// <summary>Keras's <c>get_vocabulary()</c>: the token of every index (the mask token, the OOV token for each OOV
    /// index, then the tokens); with <paramref name="includeSpecialTokens"/> false, the tokens only.</summary>
    public IReadOnlyList<long?> GetVocabulary(bool includeSpecialTokens = true)
    {
        var tokens = table.Tokens ?? throw NoVocabulary();
        var special = table.SpecialTokens.Select(s => s.Has ? s.Value : (long?)null);
        return [.. (includeSpecialTokens ? special : []).Concat(tokens.Select(t => (long?)t))];
    }

    private protected override int? KnownDepth => table.Depth;

    internal override ReadOnlySpan<float> IdfWeights => table.Idf;

    private protected override bool IsReady => HasVocabulary;

    private protected override string NotReady =>
        $"{Owner} has no vocabulary: give 'vocabulary' or call Adapt(data) first (a Keras config of an adapted layer keeps it in " +
        "the .keras archive's assets, assets/<layer path>/vocabulary.txt, which only loading that archive reads).";

    private InvalidOperationException NoVocabulary() => new(NotReady);

    /// <summary>Keras's <c>set_vocabulary</c>: the tokens, optionally after the mask and OOV tokens in layout order, and
    /// for "tf_idf" one weight per entry (see <see cref="VocabularyTable{T}.SetVocabulary"/>).</summary>
    public void SetVocabulary(IReadOnlyList<long> vocabulary, IReadOnlyList<double>? idfWeights = null) =>
        table.SetVocabulary(vocabulary, idfWeights);

    internal override void ToIndices(ReadOnlySpan<float> values, Span<int> indices, int[] shape)
    {
        for (int i = 0; i < values.Length; i++)
        {
            long value = IntegerAt(values, i, shape);
            if (Invert)
            {
                indices[i] = (int)Math.Clamp(value, int.MinValue, int.MaxValue); // WriteInt maps it to its token
                continue;
            }
            indices[i] = table.IndexOf(value, FloorMod);
            if (indices[i] == VocabularyTable<long>.NotFound)
                throw new ArgumentException(
                    $"{Owner}: the value at {Where(i, shape)} is {value.ToString(CultureInfo.InvariantCulture)}, which is not in the " +
                    "vocabulary, and num_oov_indices is 0 (set it to 1 or more to map unknown values).");
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
        for (int i = 0; i < indices.Length; i++) output[i] = table.TokenAt(indices[i]);
    }

    /// <summary>Keras's OOV bucket of an integer among several OOV indices: floormod(value, n).</summary>
    private static int FloorMod(long value, int n) => (int)(((value % n) + n) % n);
}
