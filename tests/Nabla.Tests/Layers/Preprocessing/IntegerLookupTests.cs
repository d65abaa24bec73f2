using Nabla.Configuration;
using Nabla.Layers;
using static Nabla.Tests.Layers.PreprocessingCalls;

namespace Nabla.Tests.Layers;

/// <summary>Keras's IntegerLookup (keras/src/layers/preprocessing/integer_lookup.py over index_lookup.py): the docstring's
/// examples, the index layout, adapt's order, errors and config.</summary>
public class IntegerLookupTests
{
    private static readonly long[] Vocabulary = [12, 36, 1138, 42];

    // The docstring's data with OOV tokens: [[12, 1138, 42, 42], [42, 7, 36, 7]].
    private static readonly float[] Documents = [12, 1138, 42, 42, 42, 7, 36, 7];

    [Fact]
    public void LookupOfTheDocstringWithOneAndTwoOovIndices()
    {
        // integer_lookup.py docstring: vocab [12, 36, 1138, 42], data [[12, 1138, 42], [42, 1000, 36]] -> [[1, 3, 4], [4, 0, 2]].
        Assert.Equal([1, 3, 4, 4, 0, 2], Run(new IntegerLookup(vocabulary: Vocabulary), [12, 1138, 42, 42, 1000, 36], 2, 3));
        // num_oov_indices=2: [[12, 1138, 42], [37, 1000, 36]] -> [[2, 4, 5], [1, 0, 3]] (floormod: 37 % 2 = 1, 1000 % 2 = 0).
        Assert.Equal([2, 4, 5, 1, 0, 3],
            Run(new IntegerLookup(numOovIndices: 2, vocabulary: Vocabulary), [12, 1138, 42, 37, 1000, 36], 2, 3));
        // A negative OOV value takes floormod's non-negative remainder: -3 mod 2 = 1.
        Assert.Equal([1f], Run(new IntegerLookup(numOovIndices: 2, vocabulary: Vocabulary), [-3], 1, 1));
    }

    [Fact]
    public void EncodedOutputsOfTheDocstring()
    {
        // integer_lookup.py docstring: one_hot of [12, 36, 1138, 42, 7], multi_hot, count and tf_idf of the documents.
        Assert.Equal([0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0],
            Run(new IntegerLookup(vocabulary: Vocabulary, outputMode: "one_hot"), [12, 36, 1138, 42, 7], 5));
        Assert.Equal([0, 1, 0, 1, 1, 1, 0, 1, 0, 1],
            Run(new IntegerLookup(vocabulary: Vocabulary, outputMode: "multi_hot"), Documents, 2, 4));
        Assert.Equal([0, 1, 0, 1, 2, 2, 0, 1, 0, 1],
            Run(new IntegerLookup(vocabulary: Vocabulary, outputMode: "count"), Documents, 2, 4));
        // The OOV slot's weight is the average of the given ones (0.5) when the vocabulary leaves out the OOV token.
        var tfIdf = Run(new IntegerLookup(vocabulary: Vocabulary, idfWeights: [0.25, 0.75, 0.6, 0.4], outputMode: "tf_idf"), Documents, 2, 4);
        AssertClose([0, 0.25f, 0, 0.6f, 0.8f, 1.0f, 0, 0.75f, 0, 0.4f], tfIdf);
        // ...and the given one when it starts with the OOV token: vocab [-1, 12, 36, 1138, 42], weights [0.9, ...].
        tfIdf = Run(new IntegerLookup(vocabulary: [-1, .. Vocabulary], idfWeights: [0.9, 0.25, 0.75, 0.6, 0.4], outputMode: "tf_idf"), Documents, 2, 4);
        AssertClose([0, 0.25f, 0, 0.6f, 0.8f, 1.8f, 0, 0.75f, 0, 0.4f], tfIdf);
    }

    [Fact]
    public void InvertMapsIndicesBackAndOovToTheOovToken()
    {
        // integer_lookup.py docstring: invert=True on [[1, 3, 4], [4, 0, 2]] -> [[12, 1138, 42], [42, -1, 36]].
        var inverse = new IntegerLookup(vocabulary: Vocabulary, invert: true);
        Assert.Equal([12, 1138, 42, 42, -1, 36], Run(inverse, [1, 3, 4, 4, 0, 2], 2, 3));
        Assert.Equal([-1f], Run(inverse, [99], 1, 1));
        // The forward and inverse pair of the docstring: 1000 comes back as -1.
        var forward = new IntegerLookup(vocabulary: Vocabulary);
        var pair = new IntegerLookup(vocabulary: [.. forward.GetVocabulary().Select(t => t!.Value)], invert: true);
        Assert.Equal([12, 1138, 42, 42, -1, 36], Run(pair, Run(forward, [12, 1138, 42, 42, 1000, 36], 2, 3), 2, 3));
    }

    [Fact]
    public void AMaskTokenTakesIndexZeroInIntOutputAndIsDroppedFromEncodings()
    {
        // index_lookup.py: the mask maps to 0 for "int" output, and to a value the bincount drops otherwise (where the
        // OOV indices then start at 0).
        var layer = new IntegerLookup(maskToken: 0, vocabulary: Vocabulary);
        Assert.Equal([0, 2, 1, 5], Run(layer, [0, 12, 7, 42], 1, 4));
        Assert.Equal([(long?)0, -1, 12, 36, 1138, 42], layer.GetVocabulary());
        var counted = new IntegerLookup(maskToken: 0, vocabulary: Vocabulary, outputMode: "count");
        Assert.Equal([1, 1, 0, 0, 1], Run(counted, [0, 12, 7, 42], 1, 4));
        var inverse = new IntegerLookup(maskToken: 0, vocabulary: Vocabulary, invert: true);
        Assert.Equal([0, -1, 12], Run(inverse, [0, 1, 2], 1, 3));
    }

    [Fact]
    public void AdaptSortsByCountThenTheLargerTokenFirst()
    {
        // integer_lookup.py docstring: adapt([[12, 1138, 42], [42, 1000, 36]]) -> get_vocabulary() [-1, 42, 1138, 1000, 36, 12],
        // and the layer then maps the data to [[5, 2, 1], [1, 3, 4]].
        var layer = new IntegerLookup();
        float[] data = [12, 1138, 42, 42, 1000, 36];
        layer.Adapt(Tensor.FromArray(data, 2, 3));
        Assert.Equal([(long?)-1, 42, 1138, 1000, 36, 12], layer.GetVocabulary());
        Assert.Equal([5, 2, 1, 1, 3, 4], Run(layer, data, 2, 3));
        // max_tokens counts the OOV index: 3 keeps the two most frequent tokens; the OOV token (-1) is never learned.
        var capped = new IntegerLookup(maxTokens: 3);
        capped.Adapt(Tensor.FromArray([5, 5, 5, 7, 7, 9, -1, -1, -1, -1], 10));
        Assert.Equal([(long?)-1, 5, 7], capped.GetVocabulary());
    }

    [Fact]
    public void AdaptInTfIdfModeWeighsTokensByDocuments()
    {
        // index_lookup.py _inverse_document_frequency: log(1 + documents / (1 + documents holding the token)); the OOV
        // index gets their mean. Two documents: 42 is in both (log 1.6667), 12, 1138, 7 and 36 in one (log 2).
        var layer = new IntegerLookup(outputMode: "tf_idf");
        layer.Adapt(Tensor.FromArray(Documents, 2, 4));
        Assert.Equal([(long?)-1, 42, 7, 1138, 36, 12], layer.GetVocabulary());
        float both = (float)Math.Log(1 + 2.0 / 3), one = (float)Math.Log(2);
        float mean = (both + 4 * one) / 5;
        // 0 is not in the vocabulary: four of them count four times the OOV weight.
        AssertClose([0, 2 * both, 0, one, 0, one, 4 * mean, 0, 0, 0, 0, 0], Run(layer, [42, 42, 1138, 12, 0, 0, 0, 0], 2, 4));
        AssertClose([2 * mean, both, 2 * one, 0, one, 0], Run(layer, [42, 7, 36, 7, 5, 5], 1, 6));
    }

    [Fact]
    public void ErrorsNameTheLayerAndWhatIsWrong()
    {
        var strict = new IntegerLookup(numOovIndices: 0, vocabulary: Vocabulary, name: "ids");
        var error = Assert.Throws<ArgumentException>(() => Run(strict, [12, 5], 1, 2));
        Assert.Contains("IntegerLookup 'ids'", error.Message);
        Assert.Contains("sample 0, position 1 is 5", error.Message);
        error = Assert.Throws<ArgumentException>(() => Run(new IntegerLookup(vocabulary: Vocabulary, name: "ids"), [12.5f], 1, 1));
        Assert.Contains("is 12.5, not an integer", error.Message);
        error = Assert.Throws<ArgumentException>(() => new IntegerLookup(outputMode: "ints", name: "ids"));
        Assert.Contains("\"int\", \"one_hot\", \"multi_hot\", \"count\", \"tf_idf\"", error.Message);
        Assert.Contains("repeats 12", Assert.Throws<ArgumentException>(() => new IntegerLookup(vocabulary: [12, 12])).Message);
        Assert.Contains("max_tokens", Assert.Throws<ArgumentException>(() => new IntegerLookup(maxTokens: 3, vocabulary: Vocabulary)).Message);
        Assert.Contains("'invert'", Assert.Throws<ArgumentException>(() => new IntegerLookup(invert: true, outputMode: "count")).Message);
        Assert.Contains("idf_weights", Assert.Throws<ArgumentException>(() => new IntegerLookup(vocabulary: Vocabulary, outputMode: "tf_idf")).Message);
        Assert.Contains("2^24", Assert.Throws<ArgumentException>(() => new IntegerLookup(vocabulary: [1L << 25])).Message);
        var noVocabulary = Assert.Throws<InvalidOperationException>(() => Run(new IntegerLookup(name: "ids"), [1], 1, 1));
        Assert.Contains("has no vocabulary", noVocabulary.Message);
        Assert.Throws<InvalidOperationException>(() => new IntegerLookup(vocabulary: Vocabulary).Adapt(Tensor.FromArray([1f], 1)));
        // index_lookup.py _ensure_vocab_size_unchanged: an encoded output's vocabulary size stays once set.
        var counted = new IntegerLookup(outputMode: "count", name: "ids");
        counted.Adapt(Tensor.FromArray([1f, 2f], 2));
        Assert.Contains("cannot change", Assert.Throws<InvalidOperationException>(() => counted.Adapt(Tensor.FromArray([1f, 2f, 3f], 3))).Message);
    }

    [Fact]
    public void DefaultsAndAKeras3ConfigWrittenByHand()
    {
        // integer_lookup.py: max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary_dtype="int64",
        // invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False.
        var defaults = (IntegerLookup)Layer.Deserialize(Config.Parse("""{"class_name": "IntegerLookup", "config": {}}"""));
        Assert.Equal(((int?)null, 1, (long?)null, (long?)-1, false, TokenOutputMode.Int, false),
            (defaults.MaxTokens, defaults.NumOovIndices, defaults.MaskToken, defaults.OovToken, defaults.Invert, defaults.OutputMode, defaults.PadToMaxTokens));
        // index_lookup.py get_config's keys, as Keras 3 writes them for a layer given its vocabulary.
        var layer = (IntegerLookup)Layer.Deserialize(Config.Parse("""
            {"class_name": "IntegerLookup", "config": {"name": "ids", "trainable": true, "dtype": "int64", "invert": false,
             "max_tokens": 8, "num_oov_indices": 1, "oov_token": -1, "mask_token": null, "output_mode": "multi_hot",
             "sparse": false, "pad_to_max_tokens": true, "vocabulary_dtype": "int64", "idf_weights": null,
             "vocabulary": [12, 36, 1138, 42], "vocabulary_size": 5}}
            """));
        Assert.Equal([0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0], Run(layer, Documents, 2, 4));
        var config = layer.GetConfig();
        foreach (var key in new[] { "invert", "max_tokens", "num_oov_indices", "oov_token", "mask_token", "output_mode", "sparse",
                     "pad_to_max_tokens", "vocabulary_dtype", "idf_weights", "vocabulary", "vocabulary_size" })
            Assert.True(config.ContainsKey(key), key);
        var again = (IntegerLookup)Layer.Deserialize(Registry<Layer>.Serialize(layer));
        Assert.Equal(Run(layer, Documents, 2, 4), Run(again, Documents, 2, 4));
        // index_lookup.py: the deprecated "binary" is multi_hot and "tf-idf" is tf_idf.
        Assert.Equal(TokenOutputMode.MultiHot, new IntegerLookup(outputMode: "binary").OutputMode);
        Assert.Equal(TokenOutputMode.TfIdf, new IntegerLookup(outputMode: "tf-idf").OutputMode);
        // tf.keras 2.4's experimental names.
        var old = (IntegerLookup)Layer.Deserialize(Config.Parse(
            """{"class_name": "IntegerLookup", "config": {"max_values": null, "mask_value": 0, "oov_value": -1, "vocabulary": [3, 4]}}"""));
        Assert.Equal([0, 2, 3, 1], Run(old, [0, 3, 4, 9], 1, 4));
    }

    [Fact]
    public void NullsAreReadAsKerasReadsNone()
    {
        AssertRefusedNull("""{"class_name": "IntegerLookup", "config": {"num_oov_indices": null}}""", "num_oov_indices");
        AssertRefusedNull("""{"class_name": "IntegerLookup", "config": {"output_mode": null}}""", "output_mode");
        var layer = (IntegerLookup)Layer.Deserialize(Config.Parse(
            """{"class_name": "IntegerLookup", "config": {"invert": null, "pad_to_max_tokens": null, "sparse": null, "oov_token": null, "vocabulary": [3]}}"""));
        Assert.Equal((false, false, (long?)null), (layer.Invert, layer.PadToMaxTokens, layer.OovToken));
        var error = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "IntegerLookup", "config": {"vocabulary_dtype": "int32"}}""")));
        Assert.Contains("'vocabulary_dtype'", error.Message);
    }

    [Fact]
    public void AnAdaptedLayersConfigCarriesItsVocabularyAndWeights()
    {
        var layer = new IntegerLookup(outputMode: "tf_idf", name: "ids");
        layer.Adapt(Tensor.FromArray(Documents, 2, 4));
        var config = layer.GetConfig();
        Assert.Equal([-1L, 42L, 7L, 1138L, 36L, 12L], ((List<object?>)config["vocabulary"]!).Cast<long>());
        var again = (IntegerLookup)Layer.Deserialize(new Config { ["class_name"] = "IntegerLookup", ["config"] = config.DeepClone() });
        Assert.Equal(Run(layer, Documents, 2, 4), Run(again, Documents, 2, 4));
        // A Keras config of an adapted layer (null vocabulary, its size given) loads, and refuses to run without the vocabulary.
        var fromKeras = (IntegerLookup)Layer.Deserialize(Config.Parse(
            """{"class_name": "IntegerLookup", "config": {"name": "ids", "output_mode": "count", "vocabulary": null, "vocabulary_size": 6}}"""));
        Assert.Equal([6], fromKeras.ComputeOutputShape([4]));
        Assert.Contains("vocabulary.txt", Assert.Throws<InvalidOperationException>(() => Run(fromKeras, Documents, 2, 4)).Message);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5);
    }
}
