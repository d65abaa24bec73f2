using PureHDF;
using Nabla.Configuration;
using Nabla.Data;
using Nabla.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>
/// <c>model.load_weights("x.h5")</c> on a legacy HDF5 weights file, as Keras's <c>load_weights_from_hdf5_group</c>
/// (keras/src/legacy/saving/legacy_h5_format.py) reads it: the layers that hold weights take the file's layers that list
/// any in order, whatever their names; <c>layer_names</c> may be split into numbered chunks; a full legacy model file's
/// <c>model_weights</c> group holds the same tree.
/// </summary>
public class LegacyWeightsFileTests
{
    private const string Svhn = "svhn_grayscale_mlp_tfkeras2.2.4.h5";

    /// <summary>The fixture's architecture with every layer renamed, and fresh weights.</summary>
    private static Model RenamedSvhnModel()
    {
        var config = KerasModelJson.ToJson(Model.Load(KerasFixtures.File(Svhn))).Replace("\"dense_", "\"fc_").Replace("\"dropout_", "\"drop_");
        Utils.SetRandomSeed(5);
        return KerasModelJson.FromJson(config);
    }

    [Fact]
    public void A_tf_keras_model_file_gives_its_weights_in_order_to_layers_named_otherwise()
    {
        var model = RenamedSvhnModel();
        Assert.DoesNotContain(model.Layers, l => l.Name.StartsWith("dense", StringComparison.Ordinal));
        model.LoadWeights(KerasFixtures.File(Svhn));
        KerasFixtures.AssertPredicts(model, Svhn);
    }

    private static Sequential Small(string prefix)
    {
        Utils.SetRandomSeed(prefix.Length);
        var model = new Sequential(new Nabla.Layers.Dense(3, activation: "relu", name: prefix + "a"), new Nabla.Layers.Dropout(0.5, name: prefix + "drop"),
            new Nabla.Layers.Dense(2, name: prefix + "b"));
        model.Build([4]);
        return model;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_keras_2_weights_file_loads_in_order_with_its_layer_names_whole_or_in_chunks(bool chunkedNames)
    {
        var source = Small("saved_");
        using var folder = new Nabla.Tests.Data.TempFolder();
        string path = folder.File("weights.h5");
        KerasTwoWeightsFile.Write(source, path, chunkedNames);
        var target = Small("x");
        Assert.NotEqual(source.Weights[0].Data.ToArray(), target.Weights[0].Data.ToArray());
        target.LoadWeights(path);
        for (int i = 0; i < source.Weights.Count; i++) Assert.Equal(source.Weights[i].Data.ToArray(), target.Weights[i].Data.ToArray());
    }

    [Fact]
    public void A_file_with_other_layer_counts_or_shapes_is_refused_naming_them_and_changes_nothing()
    {
        var source = Small("saved_");
        using var folder = new Nabla.Tests.Data.TempFolder();
        string path = folder.File("weights.hdf5");
        KerasTwoWeightsFile.Write(source, path, chunkedNames: false);

        var wider = new Sequential(new Nabla.Layers.Dense(5, name: "a"), new Nabla.Layers.Dense(2, name: "b"));
        wider.Build([4]);
        var before = wider.Weights[0].Data.ToArray();
        var e = Assert.Throws<DataFormatException>(() => wider.LoadWeights(path));
        Assert.Contains("weights.hdf5", e.Message);
        Assert.Contains("'saved_a/saved_a/kernel:0' expected [4, 5] for", e.Message);
        Assert.Contains("found [4, 3]", e.Message);
        Assert.Contains("No weight was changed", e.Message);
        Assert.Equal(before, wider.Weights[0].Data.ToArray());

        var deeper = new Sequential(new Nabla.Layers.Dense(3, name: "a"), new Nabla.Layers.Dense(2, name: "b"), new Nabla.Layers.Dense(2, name: "c"));
        deeper.Build([4]);
        e = Assert.Throws<DataFormatException>(() => deeper.LoadWeights(path));
        Assert.Contains("root attribute 'layer_names'", e.Message);
        Assert.Contains("expected 3 layers with weights", e.Message);
        Assert.Contains("found 2 (saved_a, saved_b)", e.Message);
    }

    [Fact]
    public void A_file_that_lists_no_layers_is_refused_as_not_a_keras_weights_file()
    {
        using var folder = new Nabla.Tests.Data.TempFolder();
        string path = folder.File("other.h5");
        new H5File { ["data"] = new H5Dataset(new float[] { 1 }, fileDims: [1]) }.Write(path);
        var e = Assert.Throws<DataFormatException>(() => Small("x").LoadWeights(path));
        Assert.Contains("attribute 'layer_names' of '/'", e.Message);
        Assert.Contains("found none", e.Message);
    }

    /// <summary>Keras 2's saving.py flips a Theano file's convolution kernels on loading (_need_convert_kernel: Theano
    /// convolves, TensorFlow correlates): every spatial axis reversed, the channel axes kept; ConvLSTM2D's recurrent kernel
    /// too; biases and Dense kernels untouched. A TensorFlow or CNTK file, or one without the attribute, loads as written.</summary>
    [Theory]
    [InlineData("theano", true)]
    [InlineData("tensorflow", false)]
    [InlineData("cntk", false)]
    [InlineData(null, false)]
    public void A_theano_files_convolution_kernels_are_flipped_as_keras_2_flips_them(string? backend, bool flipped)
    {
        Sequential Make(int seed)
        {
            Utils.SetRandomSeed(seed);
            var model = new Sequential(
                new Nabla.Layers.Conv2D(3, (2, 3), dataFormat: "channels_first", name: "conv"),
                new Nabla.Layers.Reshape([16, 3]),
                new Nabla.Layers.Conv1D(2, 3, name: "conv1d"),
                new Nabla.Layers.Flatten(),
                new Nabla.Layers.Dense(2, name: "dense"));
            model.Build([2, 5, 6]);
            return model;
        }
        var source = Make(1);
        using var folder = new Nabla.Tests.Data.TempFolder();
        string path = folder.File("weights.h5");
        KerasTwoWeightsFile.Write(source, path, backend: backend);
        var target = Make(2);
        target.LoadWeights(path);

        var kernel = (Nabla.Layers.Conv2D)target.Layers[0];
        var sourceKernel = ((Nabla.Layers.Conv2D)source.Layers[0]).Kernel;
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 2 * 3; i++)
                {
                    int from = flipped ? ((1 - r) * 3 + (2 - c)) * 6 + i : (r * 3 + c) * 6 + i;
                    Assert.Equal(sourceKernel.Data[from], kernel.Kernel.Data[(r * 3 + c) * 6 + i]);
                }
        var conv1d = ((Nabla.Layers.Conv1D)target.Layers[2]).Kernel;
        var sourceConv1d = ((Nabla.Layers.Conv1D)source.Layers[2]).Kernel;
        int block = conv1d.Shape[1] * conv1d.Shape[2];
        for (int k = 0; k < 3; k++)
            Assert.Equal(sourceConv1d.Data.AsSpan((flipped ? 2 - k : k) * block, block).ToArray(), conv1d.Data.AsSpan(k * block, block).ToArray());
        // Biases and the Dense layer as written.
        Assert.Equal(source.Layers[0].Weights[1].Data.ToArray(), target.Layers[0].Weights[1].Data.ToArray());
        Assert.Equal(source.Layers[4].Weights[0].Data.ToArray(), target.Layers[4].Weights[0].Data.ToArray());
    }
}
