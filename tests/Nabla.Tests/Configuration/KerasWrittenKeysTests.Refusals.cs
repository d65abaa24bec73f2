using System.IO.Compression;
using Nabla.Configuration;
using Nabla.Data;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Data;

namespace Nabla.Tests.ConfigurationKeys;

/// <summary>The other side: a key no Keras writes (a misspelling) is refused by name with the right spelling
/// suggested, and a key whose non-default value changes the math is refused by name; from a file, the refusal
/// names the file.</summary>
public partial class KerasWrittenKeysTests
{
    [Theory]
    [InlineData("LSTM", "\"units\": 3, \"statefull\": true", "statefull", "stateful")]
    [InlineData("Dense", "\"units\": 2, \"use_bais\": false", "use_bais", "use_bias")]
    [InlineData("Conv2D", "\"filters\": 2, \"kernel_size\": 3, \"dilaton_rate\": 2", "dilaton_rate", "dilation_rate")]
    [InlineData("BatchNormalization", "\"momentun\": 0.5", "momentun", "momentum")]
    public void AMisspelledLayerKeyIsRefusedNamingItAndTheRightOne(string className, string keys, string wrong, string right)
    {
        var e = Assert.Throws<ArgumentException>(() => Load(className, K3, keys));
        Assert.Contains($"'{wrong}'", e.Message);
        Assert.Contains($"Did you mean '{right}'?", e.Message);
    }

    [Fact]
    public void AMisspelledInitializerKeyIsRefusedNamingItAndTheRightOne()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Initializer.Registry.Deserialize(Config.Parse("""{"class_name": "RandomNormal", "config": {"stdev": 0.5}}""")));
        Assert.Contains("'stdev'", e.Message);
        Assert.Contains("Did you mean 'stddev'?", e.Message);
    }

    [Theory]
    // tf.keras 2 batch_normalization.py: batch renormalization and ghost batches change the statistics.
    [InlineData("BatchNormalization", "\"renorm\": true", "renorm")]
    [InlineData("BatchNormalization", "\"virtual_batch_size\": 4", "virtual_batch_size")]
    // Keras 3 layer_normalization.py: RMS scaling drops the mean.
    [InlineData("LayerNormalization", "\"rms_scaling\": true", "rms_scaling")]
    // tf.keras 2 base_rnn.py: time-major inputs swap the axes.
    [InlineData("LSTM", "\"units\": 3, \"time_major\": true", "time_major")]
    [InlineData("RNN", "\"cell\": {\"class_name\": \"GRUCell\", \"config\": {\"units\": 3}}, \"time_major\": true", "time_major")]
    // Keras 3 dense.py: a quantized layer computes in int8.
    [InlineData("Dense", "\"units\": 2, \"quantization_config\": {\"mode\": \"int8\"}", "quantization_config")]
    // Keras 3 einsum_dense.py: LoRA adds trainable low-rank factors to a frozen kernel.
    [InlineData("EinsumDense", "\"equation\": \"ab,bc->ac\", \"output_shape\": [4], \"lora_rank\": 2, \"lora_alpha\": 2", "lora_rank")]
    // tf.keras 2 depthwise_conv2d.py: grouped depthwise convolutions do not exist in Keras either, but the key is read.
    [InlineData("DepthwiseConv2D", "\"kernel_size\": 3, \"groups\": 2", "groups")]
    // Keras 3 resizing.py: antialiasing widens the filter when downsampling.
    [InlineData("Resizing", "\"height\": 4, \"width\": 4, \"antialias\": true", "antialias")]
    // tf.keras 2.4-2.9 dense_attention.py: a causal mask on every call.
    [InlineData("Attention", "\"causal\": true", "causal")]
    // A sparse or ragged input is refused where the InputLayer is read, not only in files.
    [InlineData("InputLayer", "\"batch_shape\": [null, 3], \"sparse\": true", "sparse")]
    [InlineData("InputLayer", "\"batch_shape\": [null, 3], \"ragged\": true", "ragged")]
    public void AKeyThatChangesTheMathIsRefusedByNameWhenNotAtItsDefault(string className, string keys, string key)
    {
        // ArgumentException or NotSupportedException, as each class already refused it.
        var e = Assert.ThrowsAny<Exception>(() => Load(className, K3, keys));
        Assert.True(e is ArgumentException or NotSupportedException, e.ToString());
        Assert.Contains($"'{key}'", e.Message);
    }

    [Fact]
    public void AnUnknownKeyInAKerasArchiveALegacyH5OrATensorFlowJsFileNamesTheFileAndTheKey()
    {
        using var folder = new TempFolder();
        var model = new Sequential(new Dense(3, activation: "relu", inputShape: [4]), new Dense(2));
        string keras = folder.File("typo.keras");
        model.Save(keras);
        using (var zip = ZipFile.Open(keras, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("config.json")!;
            string json;
            using (var reader = new StreamReader(entry.Open())) json = reader.ReadToEnd();
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("config.json").Open());
            writer.Write(WithTypo(json));
        }
        var fromKeras = Assert.Throws<DataFormatException>(() => Model.Load(keras));
        Assert.Contains("typo.keras", fromKeras.Message);
        Assert.Contains("use_bais", fromKeras.Message);

        // A legacy .h5 keeps the config as a root attribute, stored as plain bytes: a same-length misspelling edits it
        // in place.
        string h5 = folder.File("typo.h5");
        model.Save(h5);
        byte[] bytes = File.ReadAllBytes(h5);
        byte[] right = System.Text.Encoding.ASCII.GetBytes("\"use_bias\""), wrong = System.Text.Encoding.ASCII.GetBytes("\"use_bais\"");
        int at = bytes.AsSpan().IndexOf(right);
        Assert.True(at >= 0, "no use_bias in the .h5 bytes");
        wrong.CopyTo(bytes, at);
        File.WriteAllBytes(h5, bytes);
        var fromH5 = Assert.Throws<DataFormatException>(() => Model.Load(h5));
        Assert.Contains("typo.h5", fromH5.Message);
        Assert.Contains("use_bais", fromH5.Message);

        string tfjs = Path.Combine(folder.Path, "tfjs", "model.json");
        Directory.CreateDirectory(Path.GetDirectoryName(tfjs)!);
        model.Save(tfjs);
        File.WriteAllText(tfjs, WithTypo(File.ReadAllText(tfjs)));
        var fromTfjs = Assert.Throws<DataFormatException>(() => Model.Load(tfjs));
        Assert.Contains("model.json", fromTfjs.Message);
        Assert.Contains("use_bais", fromTfjs.Message);
    }

    /// <summary>Adds "use_bais" next to every "use_bias" of a saved model's JSON, however it is spaced.</summary>
    private static string WithTypo(string json)
    {
        string edited = System.Text.RegularExpressions.Regex.Replace(json, "\"use_bias\":\\s*true", "\"use_bias\": true, \"use_bais\": true");
        Assert.NotEqual(json, edited);
        return edited;
    }
}
