using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Metrics;

namespace Nabla.Tests.Metrics;

/// <summary>
/// Keras 3's IoU metrics (keras/src/metrics/iou_metrics.py). Expected numbers are the Keras docstrings' (checked by its
/// doctests; OneHotIoU's and OneHotMeanIoU's are printed to three digits) or worked by hand from the confusion matrix.
/// Keras's result carries ε = 1e-7 in two divisions, hence the 1e-6 tolerances.
/// </summary>
public class IouMetricTests
{
    private static double Run(Metric m, float[] yTrue, float[] yPred, int batch, float[]? weights = null) =>
        MoreMetricValueTests.Run(m, yTrue, yPred, batch, weights);

    // The IoU and MeanIoU docstrings: y_true [0, 0, 1, 1], y_pred [0, 1, 0, 1], sample_weight [0.3, 0.3, 0.3, 0.1].
    private static readonly float[] T = [0, 0, 1, 1], P = [0, 1, 0, 1], W = [0.3f, 0.3f, 0.3f, 0.1f];

    [Fact]
    public void IoUMatchesKerasDocstring()
    {
        var m = new IoU(2, [0]);
        Assert.Equal(0.33333334, Run(m, T, P, 4), 1e-6);
        Assert.Equal(0.33333334, Run(m, T, P, 4, W), 1e-6); // cm [[0.3, 0.3], [0.3, 0.1]]: class 0 gives 0.3 / 0.9
    }

    [Fact]
    public void MeanIoUMatchesKerasDocstring()
    {
        var m = new MeanIoU(2);
        Assert.Equal(0.33333334, Run(m, T, P, 4), 1e-6);
        Assert.Equal(0.23809525, Run(m, T, P, 4, W), 1e-6); // (0.3 / 0.9 + 0.1 / 0.7) / 2
    }

    [Fact]
    public void BinaryIoUMatchesKerasDocstring()
    {
        var m = new BinaryIoU([0, 1], threshold: 0.3);
        float[] yTrue = [0, 1, 0, 1], yPred = [0.1f, 0.2f, 0.4f, 0.7f];
        Assert.Equal(0.33333334, Run(m, yTrue, yPred, 4), 1e-6);
        Assert.Equal(0.17361112, Run(m, yTrue, yPred, 4, [0.2f, 0.3f, 0.4f, 0.1f]), 1e-6);
        // A prediction equal to the threshold is class 1 (Keras's y_pred >= threshold).
        Assert.Equal(1.0, Run(new BinaryIoU(), [0, 1], [0.49f, 0.5f], 2), 1e-6);
    }

    // The OneHotIoU and OneHotMeanIoU docstrings.
    private static readonly float[] OneHotTrue = [0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0];
    private static readonly float[] OneHotPred = [0.2f, 0.3f, 0.5f, 0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.1f, 0.1f, 0.4f, 0.5f];
    private static readonly float[] OneHotWeights = [0.1f, 0.2f, 0.3f, 0.4f];

    [Fact]
    public void OneHotIoUMatchesKerasDocstring()
    {
        // cm [[0, 0, 0.6], [0.3, 0, 0], [0, 0, 0.1]]: (0 / 0.9 + 0.1 / 0.7) / 2; Keras prints 0.071.
        double weighted = Run(new OneHotIoU(3, [0, 2]), OneHotTrue, OneHotPred, 4, OneHotWeights);
        Assert.Equal(0.071, Math.Round(weighted, 3));
        Assert.Equal(0.1 / 0.7 / 2, weighted, 1e-6);
        // Unweighted, cm [[0, 0, 2], [1, 0, 0], [0, 0, 1]]: (0 / 3 + 1 / 3) / 2.
        Assert.Equal(1 / 6.0, Run(new OneHotIoU(3, [0, 2]), OneHotTrue, OneHotPred, 4), 1e-6);
    }

    [Fact]
    public void OneHotMeanIoUMatchesKerasDocstring()
    {
        // Class 1's denominator is 0.3 (its one target), so all three classes count: (0 + 0 + 0.1 / 0.7) / 3; Keras prints 0.048.
        double weighted = Run(new OneHotMeanIoU(3), OneHotTrue, OneHotPred, 4, OneHotWeights);
        Assert.Equal(0.048, Math.Round(weighted, 3));
        Assert.Equal(0.1 / 0.7 / 3, weighted, 1e-6);
        Assert.Equal(1 / 9.0, Run(new OneHotMeanIoU(3), OneHotTrue, OneHotPred, 4), 1e-6);
    }

    [Fact]
    public void ClassesThatNeverAppearAreLeftOutOfTheMean()
    {
        // Keras divides by the number of target classes whose denominator (row + column − TP) exceeds 1e-9: class 2 has none.
        Assert.Equal(1 / 3.0, Run(new MeanIoU(3), T, P, 4), 1e-6);
        Assert.Equal(0, new MeanIoU(3).Result(), 1e-12); // nothing counted yet: 0 / ε
        Assert.Equal(0, Run(new IoU(3, [2]), T, P, 4), 1e-12);
    }

    [Fact]
    public void TheConfusionMatrixAccumulatesOverBatchesUntilReset()
    {
        var m = new MeanIoU(2);
        m.Update([0f, 0], [0f, 1], 2, 1, 1, [0.3f, 0.3f]);
        m.Update([1f, 1], [0f, 1], 2, 1, 1, [0.3f, 0.1f]);
        Assert.Equal(0.23809525, m.Result(), 1e-6);
        Assert.Equal(0.3, m.ConfusionAt(1, 0), 1e-7);
        m.Reset();
        Assert.Equal(0, m.Result());
        m.Update(T, P, 4, 1, 1);
        Assert.Equal(1 / 3.0, m.Result(), 1e-6);
    }

    [Fact]
    public void EachRowsLabelsShareItsWeight()
    {
        // One sample of four labels (a 2×2 map) weighing 0.5, then one weighing 2: the matrix is 0.5·[[1, 1], [1, 1]] + 2·[[2, 0], [0, 2]].
        var m = new MeanIoU(2);
        m.Update(T, P, 1, 4, 4, [0.5f]);
        m.Update(T, T, 1, 4, 4, [2f]);
        Assert.Equal(4.5, m.ConfusionAt(0, 0), 1e-6);
        Assert.Equal(4.5 / 5.5, m.Result(), 1e-6);
    }

    [Fact]
    public void IgnoreClassLeavesItsTargetsOutWhateverIsPredicted()
    {
        // The void label 255 is predicted as 7, outside [0, 2): Keras zeroes both and their weight, so nothing is counted.
        float[] yTrue = [0, 0, 255, 1, 1, 255], yPred = [0, 1, 7, 0, 1, 1];
        Assert.Equal(1 / 3.0, Run(new MeanIoU(2, ignoreClass: 255), yTrue, yPred, 6), 1e-6);
        Assert.Equal(0.23809525, Run(new MeanIoU(2, ignoreClass: -1), [0, -1, 0, 1, 1], [0, 0, 1, 0, 1], 5, [0.3f, 5, 0.3f, 0.3f, 0.1f]), 1e-6);
        // One-hot targets are compared after their argmax.
        Assert.Equal(0, Run(new OneHotIoU(3, [0, 2], ignoreClass: 2), OneHotTrue, OneHotPred, 4), 1e-6); // only class 0 rows remain, both predicted 2
        var unignored = Assert.Throws<ArgumentException>(() => Run(new MeanIoU(2), yTrue, yPred, 6));
        Assert.Contains("ignore_class", unignored.Message);
    }

    [Fact]
    public void DensePredictionsTakeTheArgmaxOfEachRow()
    {
        // Sparse targets with class scores: the argmaxes are [0, 1, 0, 1], as the docstring's y_pred.
        float[] scores = [0.9f, 0.1f, 0.2f, 0.8f, 0.6f, 0.4f, 0.3f, 0.7f];
        Assert.Equal(0.23809525, Run(new MeanIoU(2, sparseYPred: false), T, scores, 4, W), 1e-6);
        // A one-hot metric with sparse predictions reads labels on the prediction side.
        Assert.Equal(1 / 6.0, Run(new OneHotIoU(3, [0, 2], sparseYPred: true), OneHotTrue, [2, 2, 0, 2], 4), 1e-6);
        var mismatch = Assert.Throws<ArgumentException>(() => Run(new MeanIoU(2), T, scores, 4));
        Assert.Contains("labels", mismatch.Message);
    }

    public static TheoryData<Metric, string[]> KerasConfigKeys() => new()
    {
        // Each class's get_config in keras/src/metrics/iou_metrics.py.
        { new IoU(3, [1]), ["name", "dtype", "num_classes", "target_class_ids", "ignore_class", "sparse_y_true", "sparse_y_pred", "axis"] },
        { new MeanIoU(3), ["name", "dtype", "num_classes", "ignore_class", "sparse_y_true", "sparse_y_pred", "axis"] },
        { new BinaryIoU(), ["name", "dtype", "target_class_ids", "threshold"] },
        { new OneHotIoU(3, [1]), ["name", "dtype", "num_classes", "target_class_ids", "ignore_class", "sparse_y_pred", "axis"] },
        { new OneHotMeanIoU(3), ["name", "dtype", "num_classes", "ignore_class", "sparse_y_pred", "axis"] },
    };

    [Theory]
    [MemberData(nameof(KerasConfigKeys))]
    public void ConfigsHoldKerasKeysAndRoundTrip(Metric metric, string[] keys)
    {
        var config = metric.GetConfig();
        Assert.Equal(keys.Order(), config.Keys.Order());
        var back = Metric.Deserialize(Config.Parse(Metric.Serialize(metric).ToJsonString()));
        Assert.Equal(metric.GetType(), back.GetType());
        Assert.Equal(config.ToJsonString(), back.GetConfig().ToJsonString());
    }

    [Fact]
    public void DefaultsAreKeras()
    {
        // Names: Keras's auto_name, to_snake_case of the class name (keras/src/utils/naming.py); ignore_class None,
        // sparse_y_true/sparse_y_pred True and axis -1 from _IoUBase.__init__; the one-hot classes' sparse_y_pred False and
        // BinaryIoU's target_class_ids (0, 1) and threshold 0.5 from their __init__; dtype "float32" from _IoUBase.
        var mean = new MeanIoU(4).GetConfig();
        Assert.Equal("mean_io_u", mean["name"]);
        Assert.Equal("float32", mean["dtype"]);
        Assert.Null(mean["ignore_class"]);
        Assert.Equal(true, mean["sparse_y_true"]);
        Assert.Equal(true, mean["sparse_y_pred"]);
        Assert.Equal(-1, mean["axis"]);
        Assert.Equal("io_u", new IoU(2, [0]).Name);
        Assert.Equal("one_hot_io_u", new OneHotIoU(2, [0]).Name);
        var oneHot = new OneHotMeanIoU(2).GetConfig();
        Assert.Equal("one_hot_mean_io_u", oneHot["name"]);
        Assert.Equal(false, oneHot["sparse_y_pred"]);
        var binary = new BinaryIoU();
        Assert.Equal("binary_io_u", binary.Name);
        Assert.Equal([0, 1], binary.TargetClassIds);
        Assert.Equal(0.5, binary.Threshold);
        Assert.Equal([0, 1, 2, 3], new MeanIoU(4).TargetClassIds);
    }

    [Fact]
    public void ReadsAConfigKerasWrote()
    {
        var m = Metric.Deserialize(Config.Parse(
            """{"class_name": "OneHotIoU", "config": {"num_classes": 3, "target_class_ids": [0, 2], "name": "iou", "dtype": "float32", "ignore_class": null, "sparse_y_pred": false, "axis": -1}}"""));
        var iou = Assert.IsType<OneHotIoU>(m);
        Assert.Equal("iou", iou.Name);
        Assert.Equal(0.1 / 0.7 / 2, Run(iou, OneHotTrue, OneHotPred, 4, OneHotWeights), 1e-6);
        var binary = Assert.IsType<BinaryIoU>(Metric.Get("BinaryIoU", new Config { ["target_class_ids"] = new List<object?> { 1 }, ["threshold"] = 0.3 }));
        Assert.Equal([1], binary.TargetClassIds);
        Assert.Equal(0.3, binary.Threshold);
    }

    [Theory]
    [InlineData("IoU", typeof(IoU))]
    [InlineData("io_u", typeof(IoU))]
    [InlineData("MeanIoU", typeof(MeanIoU))]
    [InlineData("mean_io_u", typeof(MeanIoU))]
    [InlineData("one_hot_io_u", typeof(OneHotIoU))]
    [InlineData("one_hot_mean_io_u", typeof(OneHotMeanIoU))]
    public void NamesResolveWithAConfig(string name, Type expected)
    {
        var config = new Config { ["num_classes"] = 2 };
        if (expected == typeof(IoU) || expected == typeof(OneHotIoU)) config["target_class_ids"] = new List<object?> { 0 };
        Assert.IsType(expected, Metric.Get(name, config));
    }

    [Fact]
    public void RefusesUnsupportedValuesByName()
    {
        Assert.Contains("axis", Assert.Throws<ArgumentException>(() => new MeanIoU(2, axis: 1)).Message);
        Assert.Contains("axis", Assert.Throws<ArgumentException>(() => Metric.Get("MeanIoU", new Config { ["num_classes"] = 2, ["axis"] = null })).Message);
        Assert.Contains("target_class_ids", Assert.Throws<ArgumentException>(() => new IoU(2, [2])).Message);
        Assert.Contains("target_class_ids", Assert.Throws<ArgumentException>(() => new IoU(2, [-1])).Message);
        Assert.Contains("target_class_ids", Assert.Throws<ArgumentException>(() => new IoU(2, [])).Message);
        Assert.Contains("target_class_ids", Assert.Throws<ArgumentException>(() => new BinaryIoU([2])).Message);
        Assert.Contains("num_classes", Assert.Throws<ArgumentException>(() => new MeanIoU(0)).Message);
        Assert.Contains("num_classes", Assert.Throws<ArgumentException>(() => Metric.Get("mean_io_u")).Message);
        Assert.Contains("target_class_ids", Assert.Throws<ArgumentException>(() => Metric.Get("IoU", new Config { ["num_classes"] = 2 })).Message);
        Assert.Contains("dtype", Assert.Throws<ArgumentException>(() => Metric.Get("MeanIoU", new Config { ["num_classes"] = 2, ["dtype"] = "float16" })).Message);
        // Keys the Keras class does not take are refused (Keras: unexpected keyword argument).
        Assert.Contains("'sparse_y_true'", Assert.Throws<ArgumentException>(() =>
            Metric.Get("OneHotIoU", new Config { ["num_classes"] = 2, ["target_class_ids"] = new List<object?> { 0 }, ["sparse_y_true"] = true })).Message);
        Assert.Contains("'num_classes'", Assert.Throws<ArgumentException>(() => Metric.Get("BinaryIoU", new Config { ["num_classes"] = 2 })).Message);
        Assert.Contains("'target_class_ids'", Assert.Throws<ArgumentException>(() =>
            Metric.Get("MeanIoU", new Config { ["num_classes"] = 2, ["target_class_ids"] = new List<object?> { 0 } })).Message);
        var label = Assert.Throws<ArgumentException>(() => Run(new MeanIoU(2), [0, 2], [0, 1], 2));
        Assert.Contains("mean_io_u", label.Message);
        Assert.Contains("outside [0, 2)", label.Message);
    }

    [Fact]
    public void UpdateAllocatesNothing()
    {
        var m = new MeanIoU(3, sparseYPred: false, ignoreClass: 2);
        float[] yTrue = [0, 1, 2, 1], yPred = [0.1f, 0.8f, 0.1f, 0.7f, 0.2f, 0.1f, 0.3f, 0.3f, 0.4f, 0.2f, 0.5f, 0.3f], w = [1, 2, 3, 4];
        m.Update(yTrue, yPred, 4, 1, 3, w);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) m.Update(yTrue, yPred, 4, 1, 3, w);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void FitOnASegmentationOutputLogsTheMetricsUnderKerasNames()
    {
        // 4 images of 3×3 pixels; each pixel's label is 1 when its one channel is positive. A 1×1 convolution scores it
        // as class 1 only above 0.5, so it gets the pixels in (0, 0.5] wrong and weighing the images changes the IoU.
        var x = Tensor.FromArray(Enumerable.Range(0, 36).Select(i => (float)Math.Sin(i * 1.7)).ToArray(), 4, 3, 3, 1);
        var labels = Tensor.FromArray(x.Data.Select(v => v > 0 ? 1f : 0f).ToArray(), 4, 3, 3, 1);
        var softmax = new Sequential(new Conv2D(2, 1, activation: "softmax", inputShape: [3, 3, 1]));
        softmax.Build([3, 3, 1]);
        softmax.SetWeights([Tensor.FromArray([0f, 1f], 1, 1, 1, 2), Tensor.FromArray([0.5f, 0f], 2)]);
        softmax.Compile(new Nabla.Optimizers.SGD(learningRate: 0), "sparse_categorical_crossentropy",
            [new MeanIoU(2, sparseYPred: false), new IoU(2, [1], name: "iou_1", sparseYPred: false)]);
        var history = softmax.Fit(x, labels, epochs: 2, batchSize: 2, shuffle: false, verbose: 0);
        Assert.Equal(2, history["mean_io_u"].Count);
        Assert.Equal(2, history["iou_1"].Count);
        // With the weights still, the epoch's value is the metric over every pixel of the model's predictions.
        var expected = new MeanIoU(2, sparseYPred: false);
        expected.Update(labels.Data, softmax.Predict(x).Data, 36, 1, 2);
        Assert.Equal(expected.Result(), history["mean_io_u"][1], 1e-6);
        Assert.Equal(expected.Result(), softmax.Evaluate(x, labels, batchSize: 4)["mean_io_u"], 1e-6);

        // As a weighted metric, each image's weight weighs every one of its pixels.
        float[] imageWeights = [1, 0, 2, 0.5f];
        softmax.Compile(new Nabla.Optimizers.SGD(learningRate: 0), "sparse_categorical_crossentropy",
            weightedMetrics: [new MeanIoU(2, sparseYPred: false)]);
        var weighted = softmax.Fit(x, labels, epochs: 1, batchSize: 2, shuffle: false, verbose: 0,
            sampleWeight: Tensor.FromArray(imageWeights, 4));
        var pixelWeights = Enumerable.Range(0, 36).Select(i => imageWeights[i / 9]).ToArray();
        var expectedWeighted = new MeanIoU(2, sparseYPred: false);
        expectedWeighted.Update(labels.Data, softmax.Predict(x).Data, 36, 1, 2, pixelWeights);
        Assert.Equal(expectedWeighted.Result(), weighted["mean_io_u"][0], 1e-6);
        Assert.NotEqual(expected.Result(), expectedWeighted.Result(), 6);

        var sigmoid = new Sequential(new Conv2D(1, 1, activation: "sigmoid", inputShape: [3, 3, 1]));
        sigmoid.Compile("adam", "binary_crossentropy", ["binary_io_u"]);
        var binary = sigmoid.Fit(x, labels, epochs: 2, batchSize: 2, verbose: 0);
        Assert.Equal(2, binary["binary_io_u"].Count);
        Assert.InRange(binary["binary_io_u"][1], 0, 1);
        // The others need num_classes: compiling them from their name is refused, as Keras fails to build them.
        Assert.Contains("num_classes", Assert.Throws<ArgumentException>(() => sigmoid.Compile("adam", "binary_crossentropy", ["mean_io_u"])).Message);
    }
}
