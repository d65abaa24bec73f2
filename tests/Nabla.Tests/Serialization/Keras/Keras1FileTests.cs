using Nabla.Serialization;
using Nabla.Tests.Data;
using PureHDF;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>
/// Keras 1 models are refused with a reason: Keras 2 renamed their layer keys (keras/legacy/interfaces.py: output_dim →
/// units, init → kernel_initializer, nb_filter → filters, border_mode → padding, Dropout's p → rate...), so without the
/// check a Keras 1 model failed on the first key Keras 2 requires ("missing 'units'"), naming neither the layer nor why.
/// The configs below are written as Keras 1.2's <c>model.to_json()</c> writes them.
/// </summary>
public class Keras1FileTests
{
    private const string Keras1Dense =
        """{"class_name": "Dense", "config": {"output_dim": 10, "init": "glorot_uniform", "activation": "relu", "name": "dense_1", "batch_input_shape": [null, 784], "input_dim": 784, "W_regularizer": null, "b_regularizer": null, "bias": true, "trainable": true}}""";

    private static string Sequential(string layers, string? version) =>
        $$"""{"class_name": "Sequential", "config": [{{layers}}]{{(version is null ? "" : $", \"keras_version\": \"{version}\"")}}}""";

    [Fact]
    public void A_model_json_that_says_keras_1_is_refused_naming_the_version()
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasModelJson.FromJson(Sequential(Keras1Dense, "1.2.2"), "model.json"));
        Assert.StartsWith("model.json: 'keras_version' is \"1.2.2\": this model was written by Keras 1", e.Message);
        Assert.Contains("Load it in Keras 2", e.Message);
    }

    [Theory]
    [InlineData(Keras1Dense, "layer 'dense_1' (Dense) has the Keras 1 key 'init' (Keras 2 calls it 'kernel_initializer')")]
    [InlineData("""{"class_name": "Dense", "config": {"output_dim": 10, "activation": "relu", "name": "dense_1", "batch_input_shape": [null, 4]}}""",
        "layer 'dense_1' (Dense) has the Keras 1 key 'output_dim' (Keras 2 calls it 'units')")]
    [InlineData("""{"class_name": "Convolution2D", "config": {"nb_filter": 8, "nb_row": 3, "nb_col": 3, "name": "conv_1", "batch_input_shape": [null, 8, 8, 1]}}""",
        "layer 'conv_1' (Convolution2D) has the Keras 1 key 'nb_filter' (Keras 2 calls it 'filters')")]
    [InlineData("""{"class_name": "Dropout", "config": {"p": 0.5, "name": "dropout_1", "batch_input_shape": [null, 4]}}""",
        "layer 'dropout_1' (Dropout) has the Keras 1 key 'p' (Keras 2 calls it 'rate')")]
    public void A_keras_1_layer_key_is_refused_naming_the_layer_and_the_key_keras_2_uses(string layer, string named)
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasModelJson.FromJson(Sequential(layer, version: null), "model.json"));
        Assert.StartsWith($"model.json: {named}: this model was written by Keras 1", e.Message);
    }

    [Fact]
    public void Keys_keras_2_kept_are_read_as_before()
    {
        // Embedding keeps output_dim in Keras 2 and 3, and a Keras 2 file says so in its version.
        var model = KerasModelJson.FromJson(Sequential(
            """{"class_name": "Embedding", "config": {"input_dim": 20, "output_dim": 4, "name": "embedding_1", "batch_input_shape": [null, 5]}}""",
            "2.2.4"));
        Assert.Equal([5, 4], model.OutputShape!);
    }

    [Fact]
    public void A_legacy_h5_file_written_by_keras_1_is_refused_naming_the_file_and_its_version()
    {
        using var folder = new TempFolder();
        string path = folder.File("keras1.h5");
        var file = new H5File();
        file.Attributes["keras_version"] = "1.2.2";
        file.Attributes["backend"] = "theano";
        file.Attributes["model_config"] = Sequential(Keras1Dense, version: null);
        file.Write(path);
        var e = Assert.Throws<NotSupportedException>(() => Model.Load(path));
        Assert.StartsWith($"{path} root attribute 'keras_version' is \"1.2.2\": this model was written by Keras 1", e.Message);
    }
}
