using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>
/// Integer dtypes where Keras gives a layer integer values: an <c>Input(dtype="int32")</c> of token ids before an
/// Embedding, and the index outputs of Discretization and IntegerLookup (keras/src/layers/preprocessing/discretization.py:
/// <c>dtype = "int64" if output_mode == "int"</c>). Nabla carries such values as float32, exactly up to 2^24, so these
/// load; an integer dtype elsewhere, or a float type other than float32, is still refused by name.
/// </summary>
public class IntegerInputDTypeTests
{
    private static string Policy(string name) =>
        $$$"""{"module": "keras", "class_name": "DTypePolicy", "config": {"name": "{{{name}}}"}, "registered_name": null}""";

    [Fact]
    public void AKeras3TextModelWithAnInt32InputLoadsAndPredicts()
    {
        var model = KerasModelJson.FromJson($$$"""
            {"class_name": "Sequential", "config": {"name": "text", "layers": [
              {"class_name": "InputLayer", "config": {"name": "tokens", "batch_shape": [null, 6], "dtype": "int32", "sparse": false}},
              {"class_name": "Embedding", "config": {"name": "e", "input_dim": 20, "output_dim": 4, "dtype": {{{Policy("float32")}}}}},
              {"class_name": "GlobalAveragePooling1D", "config": {"name": "g"}},
              {"class_name": "Dense", "config": {"name": "d", "units": 1, "activation": "sigmoid"}}]}}
            """);
        var tokens = Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 19], [2, 6]);
        Assert.Equal([2, 1], model.Predict(tokens).Shape);
    }

    [Fact]
    public void IndexOutputsOfPreprocessingLayersMayBeIntegers()
    {
        var model = KerasModelJson.FromJson($$$"""
            {"class_name": "Sequential", "config": {"name": "bins", "layers": [
              {"class_name": "InputLayer", "config": {"name": "x", "batch_shape": [null, 1], "dtype": "float32"}},
              {"class_name": "Discretization", "config": {"name": "disc", "bin_boundaries": [0.0, 1.0], "output_mode": "int", "dtype": {{{Policy("int64")}}}}},
              {"class_name": "IntegerLookup", "config": {"name": "lookup", "vocabulary": [0, 1, 2], "output_mode": "int", "dtype": {{{Policy("int64")}}}}},
              {"class_name": "Embedding", "config": {"name": "e", "input_dim": 5, "output_dim": 2}}]}}
            """);
        Assert.Equal([2, 1, 2], model.Predict(Tensor.FromArray([-1f, 0.5f], [2, 1])).Shape);
    }

    [Theory]
    [InlineData("Dense", "\"units\": 2", "int32")]
    [InlineData("InputLayer", "\"batch_shape\": [null, 3]", "float16")]
    public void OtherDTypesAreStillRefusedByName(string className, string settings, string dtype)
    {
        var error = Assert.ThrowsAny<Exception>(() => KerasModelJson.FromJson($$$"""
            {"class_name": "Sequential", "config": {"name": "s", "layers": [
              {"class_name": "InputLayer", "config": {"name": "x", "batch_shape": [null, 3]}},
              {"class_name": "{{{className}}}", "config": {"name": "layer", {{{settings}}}, "dtype": "{{{dtype}}}"}}]}}
            """));
        Assert.Contains($"'dtype' is \"{dtype}\"", error.Message);
    }

    [Fact]
    public void ALayerReadFromItsOwnConfigChecksItsDTypeToo()
    {
        // Not only in files: a config handed to Layer.Deserialize takes the same rule.
        Assert.Contains("float64", Assert.Throws<NotSupportedException>(() => Layer.Deserialize(Config.Parse(
            $$$"""{"class_name": "Dense", "config": {"name": "d", "units": 2, "dtype": {{{Policy("float64")}}}}}"""))).Message);
        Assert.Contains("int32", Assert.Throws<NotSupportedException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "Dense", "config": {"name": "d", "units": 2, "dtype": "int32"}}"""))).Message);
        Assert.IsType<InputLayer>(Layer.Deserialize(Config.Parse(
            """{"class_name": "InputLayer", "config": {"name": "tokens", "batch_shape": [null, 6], "dtype": "int32"}}""")));
    }
}
