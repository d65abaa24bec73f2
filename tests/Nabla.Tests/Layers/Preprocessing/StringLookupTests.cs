using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla.Tests.Layers;

/// <summary>Keras's StringLookup (keras/src/layers/preprocessing/string_lookup.py over index_lookup.py): the docstring's
/// examples with their outputs, adapt's tie order, invert, config and refusals.</summary>
public class StringLookupTests
{
    private static readonly string[] Vocabulary = ["a", "b", "c", "d"];
    private static readonly string[][] Data = [["a", "c", "d"], ["d", "z", "b"]];
    private static readonly string[][] Documents = [["a", "c", "d", "d"], ["d", "z", "b", "z"]];

    [Fact]
    public void LookupOfTheDocstring()
    {
        // string_lookup.py docstring: known vocabulary -> [[1, 3, 4], [4, 0, 2]].
        var lookup = new StringLookup(vocabulary: Vocabulary);
        var ids = lookup.Call(Data);
        Assert.Equal([2, 3], ids.Shape);
        Assert.Equal([1, 3, 4, 4, 0, 2], ids.Data);
    }

    [Fact]
    public void SeveralOovIndicesHashAsTheDocstring()
    {
        // string_lookup.py docstring: num_oov_indices=2, [["a", "c", "d"], ["m", "z", "b"]] -> [[2, 4, 5], [0, 1, 3]]
        // ("m" to OOV index 0, "z" to 1: FarmHash Fingerprint64 modulo 2).
        var lookup = new StringLookup(vocabulary: Vocabulary, numOovIndices: 2);
        Assert.Equal([2, 4, 5, 0, 1, 3], lookup.Call([["a", "c", "d"], ["m", "z", "b"]]).Data);
        Assert.Equal(["[UNK]", "[UNK]", "a", "b", "c", "d"], lookup.GetVocabulary());
        // With a mask token the OOV indices start at 1.
        var masked = new StringLookup(vocabulary: Vocabulary, numOovIndices: 2, maskToken: "");
        Assert.Equal([0, 1, 2, 3], masked.Call(["", "m", "z", "a"]).Data);
    }

    [Fact]
    public void AdaptOfTheDocstringSortsByCountThenLargerToken()
    {
        // string_lookup.py docstring: ['[UNK]', 'd', 'z', 'c', 'b', 'a'], and the data maps to [[5, 3, 1], [1, 2, 4]].
        var lookup = new StringLookup();
        lookup.Adapt(Data);
        Assert.Equal(["[UNK]", "d", "z", "c", "b", "a"], lookup.GetVocabulary());
        Assert.Equal([5, 3, 1, 1, 2, 4], lookup.Call(Data).Data);
        Assert.Equal(["d", "z", "c", "b", "a"], lookup.GetVocabulary(includeSpecialTokens: false));
    }

    [Fact]
    public void TiesFollowUtf8ByteOrderAsNumPySortsKerasBytes()
    {
        // "é" is C3 A9 (above "z", 7A); U+1F600 is F0 9F 98 80, above U+FF5A (EF BD 9A), though its UTF-16 surrogate
        // D83D sorts below FF5A ordinally.
        var lookup = new StringLookup();
        lookup.Adapt(["z", "é", "\U0001F600", "\uFF5A", "y", "y"]);
        Assert.Equal(["[UNK]", "y", "\U0001F600", "\uFF5A", "é", "z"], lookup.GetVocabulary());
    }

    [Fact]
    public void AdaptLeavesOutTheSpecialTokensAndKeepsMaxTokens()
    {
        var lookup = new StringLookup(maxTokens: 4, maskToken: "");
        lookup.Adapt(["", "", "", "[UNK]", "[UNK]", "x", "x", "y", "y", "w"]);
        // Mask at 0, OOV at 1, then max_tokens - 2 = 2 tokens: y and x (count 2, y > x).
        Assert.Equal(["", "[UNK]", "y", "x"], lookup.GetVocabulary());
        Assert.Equal([0, 3, 2, 1], lookup.Call(["", "x", "y", "w"]).Data);
    }

    [Fact]
    public void EncodedOutputsOfTheDocstring()
    {
        // string_lookup.py docstring: one_hot of ["a", "b", "c", "d", "z"], multi_hot and count of the documents.
        var oneHot = new StringLookup(vocabulary: Vocabulary, outputMode: "one_hot").Call(["a", "b", "c", "d", "z"]);
        Assert.Equal([5, 5], oneHot.Shape);
        Assert.Equal([0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0], oneHot.Data);
        Assert.Equal([0, 1, 0, 1, 1, 1, 0, 1, 0, 1], new StringLookup(vocabulary: Vocabulary, outputMode: "multi_hot").Call(Documents).Data);
        Assert.Equal([0, 1, 0, 1, 2, 2, 0, 1, 0, 1], new StringLookup(vocabulary: Vocabulary, outputMode: "count").Call(Documents).Data);
    }

    [Fact]
    public void TfIdfOfTheDocstring()
    {
        // string_lookup.py docstring: the OOV weight is the given weights' mean (0.5), or the one given first with "[UNK]".
        var lookup = new StringLookup(outputMode: "tf_idf");
        lookup.SetVocabulary(Vocabulary, [0.25, 0.75, 0.6, 0.4]);
        AssertClose([0, 0.25f, 0, 0.6f, 0.8f, 1.0f, 0, 0.75f, 0, 0.4f], lookup.Call(Documents).Data);
        var withOov = new StringLookup(outputMode: "tf_idf");
        withOov.SetVocabulary(["[UNK]", .. Vocabulary], [0.9, 0.25, 0.75, 0.6, 0.4]);
        AssertClose([0, 0.25f, 0, 0.6f, 0.8f, 1.8f, 0, 0.75f, 0, 0.4f], withOov.Call(Documents).Data);
    }

    [Fact]
    public void InvertOfTheDocstringAndAForwardInversePair()
    {
        // string_lookup.py docstring: [[1, 3, 4], [4, 0, 2]] -> [[a, c, d], [d, [UNK], b]].
        var inverse = new StringLookup(vocabulary: Vocabulary, invert: true);
        Assert.Equal(["a", "c", "d", "d", "[UNK]", "b"], inverse.Call(Tensor.FromArray([1, 3, 4, 4, 0, 2], 2, 3)));
        var forward = new StringLookup(vocabulary: Vocabulary);
        Assert.Equal(["a", "c", "d", "d", "[UNK]", "b"], inverse.Call(forward.Call(Data)));
        Assert.Equal("[UNK]", inverse.Call(Tensor.FromArray([99f], 1))[0]);
        Assert.Throws<InvalidOperationException>(() => forward.Call(Tensor.FromArray([1f], 1)));
    }

    [Fact]
    public void RefusalsNameWhatIsNotSupported()
    {
        var unknown = Assert.Throws<ArgumentException>(() => new StringLookup(vocabulary: Vocabulary, numOovIndices: 0).Call(["a", "q"]));
        Assert.Contains("\"q\"", unknown.Message);
        Assert.Contains("value 1", unknown.Message);
        Assert.Throws<ArgumentException>(() => new StringLookup(sparse: true));
        Assert.Throws<ArgumentException>(() => new StringLookup(encoding: "latin-1"));
        Assert.Throws<ArgumentException>(() => new StringLookup(vocabulary: ["a", "a"]));
        Assert.Throws<ArgumentException>(() => new StringLookup(invert: true, outputMode: "count"));
        Assert.Throws<InvalidOperationException>(() => new StringLookup().Call(["a"]));
        Assert.Throws<InvalidOperationException>(() => new StringLookup(vocabulary: Vocabulary).Adapt(["a"]));
    }

    [Fact]
    public void KerasConfigIsReadAndRoundTrips()
    {
        // IndexLookup.get_config's keys (index_lookup.py) without vocabulary_dtype, with StringLookup's encoding
        // (string_lookup.py); oov_method is written at its default, "floormod", and ignored for strings.
        var config = Config.Parse("""
            {"name": "lookup", "trainable": true, "dtype": "int64", "invert": false, "max_tokens": null, "num_oov_indices": 1,
             "oov_token": "[UNK]", "mask_token": null, "output_mode": "int", "sparse": false, "pad_to_max_tokens": false,
             "idf_weights": null, "vocabulary": ["a", "b", "c", "d"], "vocabulary_size": 5, "oov_method": "floormod",
             "encoding": "utf-8"}
            """);
        var lookup = StringLookup.FromConfig(config);
        Assert.Equal([1, 3, 4, 4, 0, 2], lookup.Call(Data).Data);
        var again = StringLookup.FromConfig(lookup.GetConfig());
        Assert.Equal(lookup.GetConfig().ToJsonString(), again.GetConfig().ToJsonString());

        // An adapted layer writes its vocabulary after the special tokens; read back, it maps the same.
        var adapted = new StringLookup(maskToken: "", outputMode: "int");
        adapted.Adapt(Data);
        Assert.Equal(adapted.Call(Data).Data, StringLookup.FromConfig(adapted.GetConfig()).Call(Data).Data);

        var unknownKey = Assert.Throws<ArgumentException>(() => StringLookup.FromConfig(new Config { ["vocabularyy"] = null }));
        Assert.Contains("'vocabularyy'", unknownKey.Message);
        var path = Assert.Throws<ArgumentException>(() => StringLookup.FromConfig(new Config { ["vocabulary"] = "vocab.txt" }));
        Assert.Contains("LoadVocabulary", path.Message);
    }

    [Fact]
    public void AVocabularyFileAsKerasWritesItLoads()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "[UNK]\nd\nz\nc\nb\na\n");
            var lookup = new StringLookup();
            lookup.LoadVocabulary(file);
            Assert.Equal(["[UNK]", "d", "z", "c", "b", "a"], lookup.GetVocabulary());
        }
        finally
        {
            File.Delete(file);
        }
    }

    internal static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5);
    }
}
