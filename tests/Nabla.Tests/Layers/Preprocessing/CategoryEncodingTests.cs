using Nabla.Configuration;
using Nabla.Layers;
using static Nabla.Tests.Layers.PreprocessingCalls;

namespace Nabla.Tests.Layers;

/// <summary>Keras's CategoryEncoding (keras/src/layers/preprocessing/category_encoding.py): its docstring's outputs, its
/// errors, its defaults and its config.</summary>
public class CategoryEncodingTests
{
    [Fact]
    public void OneHotOfTheDocstring()
    {
        // category_encoding.py docstring: CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 2, 0, 1]).
        var layer = new CategoryEncoding(4, "one_hot");
        Assert.Equal([0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0], Run(layer, [3, 2, 0, 1], 4));
        Assert.Equal([4], layer.ComputeOutputShape([]));
        // A last axis of 1 is encoded in place: (None, 1) -> (None, 4) (compute_output_shape).
        Assert.Equal([0, 0, 0, 1, 0, 0, 1, 0], Run(new CategoryEncoding(4, "one_hot"), [3, 2], 2, 1));
    }

    [Fact]
    public void MultiHotOfTheDocstringIsTheDefault()
    {
        // category_encoding.py: output_mode="multi_hot"; docstring input [[0, 1], [0, 0], [1, 2], [3, 1]].
        var layer = new CategoryEncoding(4);
        Assert.Equal(TokenOutputMode.MultiHot, layer.OutputMode);
        Assert.Equal([1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1], Run(layer, [0, 1, 0, 0, 1, 2, 3, 1], 4, 2));
    }

    [Fact]
    public void CountCountsEachTokenOfASample()
    {
        // The docstring's count example without count_weights: each weight 1.
        var layer = new CategoryEncoding(4, "count");
        Assert.Equal([1, 1, 0, 0, 2, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1], Run(layer, [0, 1, 0, 0, 1, 2, 3, 1], 4, 2));
    }

    [Theory]
    [InlineData(4f, "is 4, outside [0, 4)")]
    [InlineData(-1f, "is -1, outside [0, 4)")]
    [InlineData(1.5f, "is 1.5, not an integer")]
    public void AValueOutsideTheTokensOrNotAnIntegerIsRefusedWithWhereItIs(float value, string message)
    {
        var layer = new CategoryEncoding(4, "count", name: "codes");
        var error = Assert.Throws<ArgumentException>(() => Run(layer, [0, 1, 2, value], 2, 2));
        Assert.Contains("CategoryEncoding 'codes'", error.Message);
        Assert.Contains("sample 1, position 1", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void ABadOutputModeIsRefusedListingTheValidOnes()
    {
        // category_encoding.py: output_mode must be one of ("count", "one_hot", "multi_hot"); Keras has no "int" here.
        var error = Assert.Throws<ArgumentException>(() => new CategoryEncoding(4, "int", name: "codes"));
        Assert.Contains("'output_mode' is \"int\"", error.Message);
        Assert.Contains("\"one_hot\", \"multi_hot\", \"count\"", error.Message);
    }

    [Theory]
    [InlineData("\"output_mode\": \"count\"", "'num_tokens' is missing")]
    [InlineData("\"num_tokens\": null", "'num_tokens' is null")]
    public void AMissingOrNullNumTokensIsRefusedByName(string settings, string message)
    {
        // category_encoding.py: "num_tokens must be set to use this layer".
        var error = Assert.Throws<ArgumentException>(() =>
            Layer.Deserialize(Config.Parse("{\"class_name\": \"CategoryEncoding\", \"config\": {\"name\": \"codes\", " + settings + "}}")));
        Assert.Contains("CategoryEncoding 'codes'", error.Message);
        Assert.Contains(message, error.Message);
        Assert.Throws<ArgumentException>(() => new CategoryEncoding(0));
    }

    [Fact]
    public void OneHotEncodesEveryValueAndMultiHotReadsOneAxisPerSample()
    {
        // category_encoding.py compute_output_shape: one_hot appends num_tokens unless the last axis is 1.
        var layer = new CategoryEncoding(3, "one_hot", name: "codes");
        Assert.Equal([2, 3], layer.ComputeOutputShape([2]));
        Assert.Equal([0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0], Run(layer, [1, 2, 0, 1], 2, 2));
        var error = Assert.Throws<ArgumentException>(() => new CategoryEncoding(4, "multi_hot", name: "codes").Build([]));
        Assert.Contains("last axis of 1", error.Message);
        error = Assert.Throws<ArgumentException>(() => new CategoryEncoding(4, "count", name: "codes").Build([2, 3]));
        Assert.Contains("(None, 2, 3)", error.Message);
    }

    [Fact]
    public void AKeras3ConfigWrittenByHandLoadsAndRoundTrips()
    {
        // category_encoding.py get_config: the base keys, num_tokens and output_mode.
        var layer = (CategoryEncoding)Layer.Deserialize(Config.Parse("""
            {"class_name": "CategoryEncoding", "config": {"name": "codes", "trainable": true, "dtype": "float32",
             "num_tokens": 3, "output_mode": "one_hot", "sparse": false}}
            """));
        Assert.Equal((3, TokenOutputMode.OneHot), (layer.NumTokens, layer.OutputMode));
        var config = layer.GetConfig();
        Assert.Equal(["name", "trainable", "dtype", "num_tokens", "output_mode"], config.Keys);
        var again = (CategoryEncoding)Layer.Deserialize(Registry<Layer>.Serialize(layer));
        Assert.Equal(Run(layer, [2, 0], 2), Run(again, [2, 0], 2));
        // Keras's deprecated "binary" is multi_hot, and tf.keras 2.3 named num_tokens max_tokens.
        var old = (CategoryEncoding)Layer.Deserialize(Config.Parse(
            """{"class_name": "CategoryEncoding", "config": {"max_tokens": 5, "output_mode": "binary"}}"""));
        Assert.Equal((5, TokenOutputMode.MultiHot), (old.NumTokens, old.OutputMode));
    }

    [Fact]
    public void SparseIsRefusedAndItsNullIsFalse()
    {
        var error = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "CategoryEncoding", "config": {"name": "codes", "num_tokens": 3, "sparse": true}}""")));
        Assert.Contains("'sparse' is true", error.Message);
        Layer.Deserialize(Config.Parse("""{"class_name": "CategoryEncoding", "config": {"num_tokens": 3, "sparse": null}}"""));
        AssertRefusedNull("""{"class_name": "CategoryEncoding", "config": {"num_tokens": 3, "output_mode": null}}""", "output_mode");
    }
}
