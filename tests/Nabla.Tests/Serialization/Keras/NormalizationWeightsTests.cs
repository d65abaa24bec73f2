using PureHDF;
using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>
/// Keras's Normalization keeps its statistics in one of two places (keras/src/layers/preprocessing/normalization.py,
/// build): given a mean and variance, as constants in its config and no variable; to be adapted, as three variables,
/// mean, variance and an int64 scalar count "for backwards compatibility with older saved models". A Keras 3 weights
/// file of an adapted layer therefore holds layers/normalization/vars/0..2 and a config with mean null.
/// </summary>
public class NormalizationWeightsTests
{
    private static Sequential Model() => (Sequential)KerasModelJson.FromJson("""
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"name": "x", "batch_shape": [null, 3]}},
          {"class_name": "Normalization", "config": {"name": "n", "axis": -1, "mean": null, "variance": null, "invert": false}},
          {"class_name": "Dense", "config": {"name": "d", "units": 1}}]}}
        """);

    [Fact]
    public void AKeras3FileOfAnAdaptedLayerLoadsItsMeanVarianceAndCount()
    {
        Utils.SetRandomSeed(2);
        var model = Model();
        Assert.Equal(["n/mean", "n/variance", "n/count", "d/kernel", "d/bias"], model.Weights.Select(w => w.Name));
        using var folder = new Nabla.Tests.Data.TempFolder();
        string path = folder.File("keras.weights.h5");
        // As Keras 3 writes it: the count an int64 scalar.
        var file = new H5File
        {
            ["layers"] = new H5Group
            {
                ["normalization"] = new H5Group
                {
                    ["vars"] = new H5Group
                    {
                        ["0"] = new H5Dataset(new float[] { 1, 2, 3 }, fileDims: [3]),
                        ["1"] = new H5Dataset(new float[] { 4, 9, 16 }, fileDims: [3]),
                        ["2"] = new H5Dataset(12L),
                    },
                },
                ["dense"] = new H5Group
                {
                    ["vars"] = new H5Group
                    {
                        ["0"] = new H5Dataset(new float[] { 1, 1, 1 }, fileDims: [3, 1]),
                        ["1"] = new H5Dataset(new float[] { 0 }, fileDims: [1]),
                    },
                },
            },
            ["vars"] = new H5Group(),
        };
        file.Write(path);
        model.LoadWeights(path);
        // (x − μ)/σ summed: (3−1)/2 + (3−2)/3 + (3−3)/4.
        var y = model.Predict(Tensor.FromArray([3f, 3f, 3f], [1, 3]));
        Assert.Equal(1 + 1 / 3f, y.Data[0], 1e-5f);
        Assert.Equal(12f, model.Weights[2].Data[0]);
    }

    [Fact]
    public void NablaWritesTheStatisticsWhereKerasReadsThem()
    {
        using var folder = new Nabla.Tests.Data.TempFolder();
        var model = Model();
        // Not adapted: the three variables go to the weights file, the config's mean stays null.
        string open = folder.File("open.weights.h5");
        model.SaveWeights(open);
        using (var file = Nabla.Serialization.Hdf5.Hdf5Reader.Open(open))
        {
            Assert.Equal(["0", "1", "2"], file.Children("layers/normalization/vars").Datasets.Order());
            Assert.Equal("[]", Tensor.ShapeString(file.Shape("layers/normalization/vars/2")));
        }
        Assert.Null(((Config)((List<object?>)model.GetConfig()["layers"]!)[1]!).GetConfig("config")!["mean"]);

        // Adapted: the statistics travel in the config, as Keras's given mean and variance, and the weights file holds none.
        ((Normalization)model.Layers[1]).Adapt(GradientCheck.Random(3, -2, 2, 20, 3));
        string archive = folder.File("adapted.keras");
        model.Save(archive);
        using (var file = Nabla.Serialization.Hdf5.Hdf5Reader.Open(new MemoryStream(Hdf5Tree.WeightsEntry(archive)), archive))
            Assert.Empty(file.Children("layers/normalization/vars").Datasets);
        var reloaded = Nabla.Model.Load(archive);
        var x = GradientCheck.Random(4, -2, 2, 5, 3);
        Assert.Equal(model.Predict(x).Data, reloaded.Predict(x).Data);
    }

    [Fact]
    public void StatisticsLoadedIntoKerasVariablesStayInThem()
    {
        // As a Keras file of an adapted layer (or an EfficientNet's ImageNet weights) fills them: Keras keeps the variables,
        // so saving the model again writes them where the next model of the same architecture reads them.
        using var folder = new Nabla.Tests.Data.TempFolder();
        Utils.SetRandomSeed(3);
        var model = Model();
        model.SetWeights([Tensor.FromArray([1f, 2f, 3f], 3), Tensor.FromArray([4f, 9f, 16f], 3), Tensor.FromArray([12f]),
            model.Weights[3], model.Weights[4]]);
        Assert.True(((Normalization)model.Layers[1]).IsAdapted);
        string path = folder.File("loaded.weights.h5");
        model.SaveWeights(path);
        using (var file = Nabla.Serialization.Hdf5.Hdf5Reader.Open(path))
            Assert.Equal(["0", "1", "2"], file.Children("layers/normalization/vars").Datasets.Order());
        Assert.Null(((Config)((List<object?>)model.GetConfig()["layers"]!)[1]!).GetConfig("config")!["mean"]);
        var other = Model();
        other.LoadWeights(path);
        var x = GradientCheck.Random(5, -2, 2, 4, 3);
        Assert.Equal(model.Predict(x).Data, other.Predict(x).Data);
    }
}
