using Nabla.Configuration;
using Nabla.Layers;
using static Nabla.Tests.Layers.PreprocessingCalls;

namespace Nabla.Tests.Layers;

/// <summary>Keras's Discretization (keras/src/layers/preprocessing/discretization.py and discretization_test.py): buckets,
/// encodings, adapt as Keras computes it, errors and config.</summary>
public class DiscretizationTests
{
    private static readonly float[] DocstringInput = [-1.5f, 1.0f, 3.4f, .5f, 0.0f, 3.0f, 1.3f, 0.0f];

    [Fact]
    public void BucketsOfTheDocstringAValueOnABoundaryGoingUp()
    {
        // discretization.py docstring: bin_boundaries=[0., 1., 2.] on [[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]].
        var layer = new Discretization([0.0, 1.0, 2.0]);
        Assert.Equal([0, 2, 3, 1, 1, 3, 2, 1], Run(layer, DocstringInput, 2, 4));
        // discretization_test.py test_tf_data_compatibility: [0.0, 0.35, 0.5, 1.0].
        Assert.Equal([0, 1, 1, 1, 2, 3, 4, 4, 3],
            Run(new Discretization([0.0, 0.35, 0.5, 1.0]), [-1.0f, 0.0f, 0.1f, 0.2f, 0.4f, 0.5f, 1.0f, 1.2f, 0.98f], 1, 9));
        Assert.Equal([3f], Run(layer, [float.NaN], 1, 1)); // NaN goes last, as Bucketize's upper_bound and digitize
    }

    [Fact]
    public void EncodedOutputsOfKerasTests()
    {
        // discretization_test.py test_correctness, bin_boundaries=[0.0, 0.5, 1.0].
        double[] bounds = [0.0, 0.5, 1.0];
        Assert.Equal([0, 1, 1, 2, 3], Run(new Discretization(bounds), [-1.0f, 0.0f, 0.1f, 0.8f, 1.2f], 1, 5));
        Assert.Equal([0, 1, 0, 0, 0, 0, 1, 0], Run(new Discretization(bounds, outputMode: "one_hot"), [0.1f, 0.8f], 2));
        Assert.Equal([0, 1, 1, 0], Run(new Discretization(bounds, outputMode: "multi_hot"), [0.1f, 0.8f], 1, 2));
        Assert.Equal([0, 1, 2, 0], Run(new Discretization(bounds, outputMode: "count"), [0.1f, 0.8f, 0.9f], 1, 3));
        // one_hot_rank_3: (1, 2, 2) -> (1, 2, 2, 4).
        var oneHot = new Discretization(bounds, outputMode: "one_hot");
        Assert.Equal([0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0], Run(oneHot, [0.15f, 0.75f, 0.85f, 0.45f], 1, 2, 2));
        Assert.Equal([2, 2, 4], oneHot.OutputShape!);
    }

    [Fact]
    public void AdaptGivesTheDocstringsBoundaries()
    {
        // discretization.py docstring: Discretization(num_bins=4, epsilon=0.01).adapt(input) -> [[0, 2, 3, 2], [1, 3, 3, 1]].
        var layer = new Discretization(numBins: 4, epsilon: 0.01);
        layer.Adapt(Tensor.FromArray(DocstringInput, 2, 4));
        Assert.Equal([0.0, 0.5, (double)1.3f], layer.BinBoundaries!);
        Assert.Equal([0, 2, 3, 2, 1, 3, 3, 1], Run(layer, DocstringInput, 2, 4));
    }

    [Fact]
    public void AdaptOnMoreValuesThanTheSummaryThinsAsKerasDoes()
    {
        // summarize: 1000 values, epsilon 0.01 -> every 10th from index 10 (10, 20, ..., 990), each weighing 10; then
        // compress_summary(.., 1/4) interpolates the cumulative weights (10..990 of 990) at 0.25, 0.5, 0.75:
        // 0.25·990 = 247.5 lies between 240 (value 240) and 250 (value 250) -> 247.5; likewise 495 and 742.5.
        var layer = new Discretization(numBins: 4);
        layer.Adapt(Tensor.FromArray([.. Enumerable.Range(0, 1000).Select(i => (float)i)], 1000, 1));
        var b = layer.BinBoundaries!;
        Assert.Equal(3, b.Count);
        Assert.Equal(247.5, b[0], 1e-3);
        Assert.Equal(495.0, b[1], 1e-3);
        Assert.Equal(742.5, b[2], 1e-3);
    }

    [Fact]
    public void AdaptOnFewerValuesThanBinsKeepsEveryValueButTheLast()
    {
        // discretization_test.py test_serialization adapts [0, 1, 5] with num_bins=5: compress_summary leaves a summary of
        // fewer than num_bins points as it is, and get_bin_boundaries drops its last value.
        var layer = new Discretization(numBins: 5);
        layer.Adapt(Tensor.FromArray([0f, 1f, 5f], 3));
        Assert.Equal([0.0, 1.0], layer.BinBoundaries!);
    }

    [Fact]
    public void ErrorsNameTheLayerAndWhatIsWrong()
    {
        // discretization.py: "Both `num_bins` and `bin_boundaries` should not be set", "set either", "call adapt".
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => new Discretization([0.0], numBins: 3)).Message);
        Assert.Contains("neither", Assert.Throws<ArgumentException>(() => new Discretization()).Message);
        var unadapted = new Discretization(numBins: 3, name: "bins");
        var notAdapted = Assert.Throws<InvalidOperationException>(() => Run(unadapted, [0.1f], 1, 1));
        Assert.Contains("Discretization 'bins'", notAdapted.Message);
        Assert.Contains("Adapt", notAdapted.Message);
        Assert.Throws<InvalidOperationException>(() => new Discretization([0.0]).Adapt(Tensor.FromArray([1f], 1)));
        var error = Assert.Throws<ArgumentException>(() => new Discretization([0.0], outputMode: "tf_idf", name: "bins"));
        Assert.Contains("\"int\", \"one_hot\", \"multi_hot\", \"count\"", error.Message);
        Assert.Throws<ArgumentException>(() => new Discretization([1.0, 0.0]));
        // discretization.py validates output_mode against its four names only: no deprecated "binary" there.
        Assert.Throws<ArgumentException>(() => new Discretization([0.0], outputMode: "binary"));
        Assert.Throws<ArgumentException>(() => new Discretization(numBins: 3).Adapt(Tensor.FromArray([1f, float.NaN], 2)));
    }

    [Fact]
    public void DefaultsAndAKeras3ConfigWrittenByHand()
    {
        // discretization.py: epsilon=0.01, output_mode="int", sparse=False; get_config writes exactly these keys (its
        // constructor takes no "trainable").
        var layer = (Discretization)Layer.Deserialize(Config.Parse("""
            {"class_name": "Discretization", "config": {"bin_boundaries": [0.0, 1.0, 2.0], "num_bins": null,
             "epsilon": 0.01, "output_mode": "count", "sparse": false, "name": "bins", "dtype": "float32"}}
            """));
        Assert.Equal((0.01, TokenOutputMode.Count), (layer.Epsilon, layer.OutputMode));
        var defaults = (Discretization)Layer.Deserialize(Config.Parse("""{"class_name": "Discretization", "config": {"num_bins": 3}}"""));
        Assert.Equal((0.01, TokenOutputMode.Int, (int?)3), (defaults.Epsilon, defaults.OutputMode, defaults.NumBins));
        var config = layer.GetConfig();
        Assert.Equal(["bin_boundaries", "dtype", "epsilon", "name", "num_bins", "output_mode", "sparse"], config.Keys.Order());
        var again = (Discretization)Layer.Deserialize(Registry<Layer>.Serialize(layer));
        Assert.Equal(Run(layer, [0.5f, 1.0f, 3f], 1, 3), Run(again, [0.5f, 1.0f, 3f], 1, 3));
        AssertRefusedNull("""{"class_name": "Discretization", "config": {"num_bins": 3, "output_mode": null}}""", "output_mode");
        // tf.keras 2.3's experimental Discretization named them "bins".
        var old = (Discretization)Layer.Deserialize(Config.Parse("""{"class_name": "Discretization", "config": {"bins": [0.0, 1.0]}}"""));
        Assert.Equal([0.0, 1.0], old.BinBoundaries!);
    }

    [Fact]
    public void AnAdaptedLayersConfigHoldsBothNumBinsAndItsBoundaries()
    {
        // discretization.py from_config: after adapt both are set, and the boundaries are applied after construction.
        var layer = new Discretization(numBins: 4, name: "bins");
        layer.Adapt(Tensor.FromArray(DocstringInput, 8));
        var config = layer.GetConfig();
        Assert.Equal(4L, config["num_bins"]);
        var again = (Discretization)Layer.Deserialize(new Config { ["class_name"] = "Discretization", ["config"] = config.DeepClone() });
        Assert.Equal(layer.BinBoundaries, again.BinBoundaries);
        Assert.Equal(Run(layer, DocstringInput, 2, 4), Run(again, DocstringInput, 2, 4));
        // A null epsilon is Keras's None: kept, and refused only by adapt.
        var noEpsilon = (Discretization)Layer.Deserialize(Config.Parse("""{"class_name": "Discretization", "config": {"num_bins": 3, "epsilon": null}}"""));
        Assert.Null(noEpsilon.Epsilon);
        Assert.Throws<InvalidOperationException>(() => noEpsilon.Adapt(Tensor.FromArray([1f, 2f], 2)));
    }
}
