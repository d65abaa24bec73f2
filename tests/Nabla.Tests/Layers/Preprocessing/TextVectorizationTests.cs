using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;
using static Nabla.Tests.Layers.StringLookupTests;

namespace Nabla.Tests.Layers;

/// <summary>Keras's TextVectorization (keras/src/layers/preprocessing/text_vectorization.py): the docstring's examples,
/// standardization as TensorFlow computes it, splitting, ngrams, padding, the encoded outputs, config and refusals.</summary>
public class TextVectorizationTests
{
    private static readonly string[] EarthWindAndFire = ["earth", "wind", "and", "fire"];

    [Fact]
    public void AdaptAndPadOfTheDocstring()
    {
        // text_vectorization.py docstring: adapt on ["foo bar", "bar baz", "baz bada boom"], then
        // [["foo qux bar"], ["qux baz"]] with output_sequence_length 4 -> [[4, 1, 3, 0], [1, 2, 0, 0]].
        var layer = new TextVectorization(maxTokens: 5000, outputMode: "int", outputSequenceLength: 4);
        layer.Adapt(["foo bar", "bar baz", "baz bada boom"]);
        var ids = layer.Call(["foo qux bar", "qux baz"]);
        Assert.Equal([2, 4], ids.Shape);
        Assert.Equal([4, 1, 3, 0, 1, 2, 0, 0], ids.Data);
        // Ties (count 2: baz, bar; count 1: foo, boom, bada) go to the larger token first.
        Assert.Equal(["", "[UNK]", "baz", "bar", "foo", "boom", "bada"], layer.GetVocabulary());
    }

    [Fact]
    public void GivenVocabularyOfTheDocstring()
    {
        // text_vectorization.py docstring: ['', '[UNK]', 'earth', 'wind', 'and', 'fire'].
        var layer = new TextVectorization(maxTokens: 5000, outputSequenceLength: 4, vocabulary: EarthWindAndFire);
        Assert.Equal(["", "[UNK]", "earth", "wind", "and", "fire"], layer.GetVocabulary());
        Assert.Equal(6, layer.VocabularySize);
    }

    [Fact]
    public void StandardizationLowersAsciiOnlyAndStripsKerasPunctuation()
    {
        // tf.strings.lower's default encoding "" lowers ASCII only: "ÉCOLE" -> "École"; the strip regex is
        // string.punctuation, so the em dash and "¿" stay.
        const string text = "Hello, World! It's 3:30 — ÉCOLE café. ¿Qué? [a]{b}(c)<d>|e~f^g_h`i@j#k$l%m&n*o+p=q/r\\s\"t;u";
        Assert.Equal("hello world its 330 — École café ¿qué abcdefghijklmnopqrstu",
            TextVectorization.StandardizeText(text, "lower_and_strip_punctuation"));
        Assert.Equal("Hello World Its 330", TextVectorization.StandardizeText("Hello, World! It's 3:30", "strip_punctuation"));
        Assert.Equal("hello, world! it's", TextVectorization.StandardizeText("Hello, World! It's", "lower"));
        Assert.Equal("Hello, World!", TextVectorization.StandardizeText("Hello, World!", null));
        Assert.Equal(["hello", "world", "its", "330", "—", "École", "café"],
            new TextVectorization().Tokenize("Hello,  World!\tIt's\n3:30 — ÉCOLE café."));
    }

    [Fact]
    public void SplitsAndNgrams()
    {
        Assert.Equal(["a", "b", " ", "😀"], new TextVectorization(split: "character").Tokenize("aB 😀"));
        Assert.Equal(["a b c"], new TextVectorization(split: null).Tokenize("A b, C"));
        // An integer n gives widths 1..n, each width's ngrams in order, then the next width's (tf.strings.ngrams).
        Assert.Equal(["a", "b", "c", "a b", "b c"], new TextVectorization(ngrams: 2).Tokenize("a b c"));
        Assert.Equal(["a b c"], new TextVectorization(ngramWidths: [3]).Tokenize("a b c"));
        Assert.Empty(new TextVectorization(ngramWidths: [3]).Tokenize("a b"));
        Assert.Equal(["ab", "bc"], new TextVectorization(split: "character", ngramWidths: [2]).Tokenize("abc")
            .Select(g => g.Replace(" ", "")));
    }

    [Fact]
    public void IntOutputPadsToTheLongestOrTruncates()
    {
        var vocabulary = new[] { "a", "b", "c", "d", "e" };
        var longest = new TextVectorization(vocabulary: vocabulary).Call(["a b", "c d e x", ""]);
        Assert.Equal([3, 4], longest.Shape);
        Assert.Equal([2, 3, 0, 0, 4, 5, 6, 1, 0, 0, 0, 0], longest.Data);
        var truncated = new TextVectorization(vocabulary: vocabulary, outputSequenceLength: 2).Call(["a b c d", "e"]);
        Assert.Equal([2, 2], truncated.Shape);
        Assert.Equal([2, 3, 6, 0], truncated.Data);
        var whole = new TextVectorization(vocabulary: ["a b"], split: null).Call(["A b.", "b"]);
        Assert.Equal([2, 1], whole.Shape);
        Assert.Equal([2, 1], whole.Data);
    }

    [Fact]
    public void EncodedOutputsCountTokensPerText()
    {
        // Without the mask, the layout is [UNK], earth, wind, and, fire.
        string[] texts = ["Earth, wind and EARTH! qux", "fire"];
        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0, 0, 1],
            new TextVectorization(vocabulary: EarthWindAndFire, outputMode: "multi_hot").Call(texts).Data);
        Assert.Equal([1, 2, 1, 1, 0, 0, 0, 0, 0, 1],
            new TextVectorization(vocabulary: EarthWindAndFire, outputMode: "count").Call(texts).Data);
        var padded = new TextVectorization(maxTokens: 8, vocabulary: EarthWindAndFire, outputMode: "count", padToMaxTokens: true).Call(["fire"]);
        Assert.Equal([1, 8], padded.Shape);

        // tf_idf adapt: documents "a a b" and "b c"; a and b occur twice (b the larger first), c once. b is in 2
        // documents, a and c in 1: idf log(1 + 2/3) and log(1 + 2/2); the OOV slot gets their mean.
        var tfIdf = new TextVectorization(outputMode: "tf_idf");
        tfIdf.Adapt(["a a b", "b c"]);
        Assert.Equal(["[UNK]", "b", "a", "c"], tfIdf.GetVocabulary());
        float b = MathF.Log(1 + 2f / 3), single = MathF.Log(2), mean = (b + 2 * single) / 3;
        AssertClose([mean, b, 2 * single, single], tfIdf.Call(["a a b c d"]).Data);
    }

    [Fact]
    public void OneHotWithoutASplitEncodesEachText()
    {
        // Without the mask: [UNK] 0, yes 1, no 2.
        var encoded = new TextVectorization(split: null, outputMode: "one_hot", vocabulary: ["yes", "no"]).Call(["Yes!", "maybe"]);
        Assert.Equal([2, 3], encoded.Shape);
        Assert.Equal([0, 1, 0, 1, 0, 0], encoded.Data);
    }

    [Fact]
    public void RefusalsNameWhatIsNotSupported()
    {
        Assert.Contains("output_sequence_length",
            Assert.Throws<ArgumentException>(() => new TextVectorization(outputMode: "multi_hot", outputSequenceLength: 3)).Message);
        Assert.Contains("ragged", Assert.Throws<ArgumentException>(() => new TextVectorization(ragged: true)).Message);
        Assert.Contains("split", Assert.Throws<ArgumentException>(() => new TextVectorization(split: null, ngrams: 2)).Message);
        Assert.Contains("callable", Assert.Throws<ArgumentException>(() => new TextVectorization(standardize: "upper")).Message);
        Assert.Throws<ArgumentException>(() => new TextVectorization(ngramWidths: [0]));
        Assert.Throws<ArgumentException>(() => new TextVectorization(outputMode: "one_hot"));
        Assert.Throws<ArgumentException>(() => new TextVectorization(sparse: true));
        Assert.Throws<InvalidOperationException>(() => new TextVectorization().Call(["a"]));
        var callable = Assert.Throws<ArgumentException>(() => TextVectorization.FromConfig(new Config
        {
            ["standardize"] = new Config { ["class_name"] = "custom_standardization" },
        }));
        Assert.Contains("'standardize'", callable.Message);
    }

    [Fact]
    public void KerasDefaultConfigIsReadAndRoundTrips()
    {
        // TextVectorization.get_config's keys with Keras's defaults (text_vectorization.py __init__ and get_config).
        var config = Config.Parse("""
            {"name": "text_vectorization", "trainable": true, "dtype": "float32", "max_tokens": 20000,
             "standardize": "lower_and_strip_punctuation", "split": "whitespace", "ngrams": null, "output_mode": "int",
             "output_sequence_length": 500, "pad_to_max_tokens": false, "sparse": false, "ragged": false, "vocabulary": null,
             "idf_weights": null, "encoding": "utf-8", "vocabulary_size": 2}
            """);
        var layer = TextVectorization.FromConfig(config);
        Assert.Equal(20000, layer.MaxTokens);
        Assert.Equal(500, layer.OutputSequenceLength);
        layer.Adapt(["the movie was great", "the plot was bad"]);
        var again = TextVectorization.FromConfig(layer.GetConfig());
        Assert.Equal(layer.Call(["the plot was great"]).Data, again.Call(["the plot was great"]).Data);
        Assert.Equal(layer.GetConfig().ToJsonString(), again.GetConfig().ToJsonString());

        var grams = TextVectorization.FromConfig(Config.Parse("""{"ngrams": [1, 3], "output_mode": "count", "vocabulary": ["a", "a b c"]}"""));
        Assert.Equal([1, 3], grams.NgramWidths);
        Assert.Equal([2, 1, 1], grams.Call(["a b c"]).Data); // tokens a, b, c, "a b c": b and c unknown
        Assert.Contains("'max_token'",
            Assert.Throws<ArgumentException>(() => TextVectorization.FromConfig(new Config { ["max_token"] = 3L })).Message);
    }

    [Fact]
    public void AModelConfigHoldingAStringLayerIsRefusedByName()
    {
        const string json = """
            {"class_name": "Sequential", "config": {"name": "seq", "layers": [
              {"class_name": "InputLayer", "config": {"batch_shape": [null, 1], "dtype": "string", "name": "text"}},
              {"class_name": "TextVectorization", "config": {"name": "vectorize", "max_tokens": 100}},
              {"class_name": "Embedding", "config": {"name": "emb", "input_dim": 100, "output_dim": 4}}]}}
            """;
        var error = Assert.ThrowsAny<Exception>(() => KerasModelJson.FromJson(json));
        var message = error.ToString();
        Assert.Contains("'vectorize'", message);
        Assert.Contains("TextVectorization", message);
        Assert.Contains("outside the model", message);
        const string functional = """
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "text", "config": {"batch_shape": [null, 1], "dtype": "string", "name": "text"},
               "inbound_nodes": []},
              {"class_name": "StringLookup", "name": "words", "config": {"name": "words"}, "inbound_nodes": [[["text", 0, 0, {}]]]}],
             "input_layers": [["text", 0, 0]], "output_layers": [["words", 0, 0]]}}
            """;
        var refused = Assert.ThrowsAny<Exception>(() => KerasModelJson.FromJson(functional)).ToString();
        Assert.Contains("'words'", refused);
        Assert.Contains("StringLookup", refused);
        Assert.Throws<NotSupportedException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "StringLookup", "config": {"name": "words"}}""")));
    }
}
