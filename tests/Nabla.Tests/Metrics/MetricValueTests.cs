using Nabla.Configuration;

namespace Nabla.Tests.Metrics;

using Nabla.Metrics;

public class MetricValueTests
{
    private static double Run(Metric m, float[] yTrue, float[] yPred, int batch)
    {
        m.Update(yTrue, yPred, batch, yTrue.Length / batch, yPred.Length / batch);
        return m.Result();
    }

    [Fact]
    public void BinaryAccuracyUsesThresholdHalf()
    {
        // p > 0.5: [0.6→1 ✓(t 1), 0.5→0 ✓(t 0), 0.4→0 ✗(t 1), 0.9→1 ✗(t 0)] → 2/4
        Assert.Equal(0.5, Run(new BinaryAccuracy(), [1, 0, 1, 0], [0.6f, 0.5f, 0.4f, 0.9f], 4));
    }

    [Fact]
    public void CategoricalAccuracyComparesArgmax()
    {
        // argmax t = [1, 2, 0], argmax p = [1, 0, 0] → 2/3
        Assert.Equal(2.0 / 3, Run(new CategoricalAccuracy(), [0, 1, 0, 0, 0, 1, 1, 0, 0],
            [0.1f, 0.8f, 0.1f, 0.5f, 0.2f, 0.3f, 0.7f, 0.2f, 0.1f], 3), 1e-12);
    }

    [Fact]
    public void SparseCategoricalAccuracyComparesLabelWithArgmax()
    {
        // labels [1, 2, 0], argmax p = [1, 0, 0] → 2/3
        Assert.Equal(2.0 / 3, Run(new SparseCategoricalAccuracy(), [1, 2, 0],
            [0.1f, 0.8f, 0.1f, 0.5f, 0.2f, 0.3f, 0.7f, 0.2f, 0.1f], 3), 1e-12);
    }

    [Fact]
    public void TopKCategoricalAccuracy()
    {
        // k = 2. Row 1: target class 2 (0.3) is 2nd highest → hit. Row 2: target 0 (0.1) is lowest → miss.
        var m = new TopKCategoricalAccuracy(k: 2);
        Assert.Equal(0.5, Run(m, [0, 0, 1, 1, 0, 0], [0.6f, 0.1f, 0.3f, 0.1f, 0.5f, 0.4f], 2));
        // Keras's default k is 5: with 3 classes every target is in the top 5
        Assert.Equal(5, new TopKCategoricalAccuracy().K);
        Assert.Equal(1.0, Run(new TopKCategoricalAccuracy(), [0, 0, 1, 1, 0, 0], [0.6f, 0.1f, 0.3f, 0.1f, 0.5f, 0.4f], 2));
    }

    [Fact]
    public void MeanAbsoluteAndSquaredError()
    {
        // errors [[0.5, −1], [2, 0]]: MAE per sample [0.75, 1] → 0.875; MSE per sample [0.625, 2] → 1.3125
        float[] t = [1, 1, 3, 0], p = [0.5f, 2, 1, 0];
        Assert.Equal(0.875, Run(new Nabla.Metrics.MeanAbsoluteError(), t, p, 2), 1e-12);
        Assert.Equal(1.3125, Run(new Nabla.Metrics.MeanSquaredError(), t, p, 2), 1e-12);
    }

    [Fact]
    public void PrecisionAndRecall()
    {
        // threshold 0.5, labels [1, 0, 0, 1, 1]: predictions above 0.5 are 0.9 (TP), 0.7 (FP), 0.6 (TP);
        // 0.2 is a missed positive (FN) → precision 2/(2+1)
        float[] labels = [1, 0, 0, 1, 1], preds = [0.9f, 0.7f, 0.3f, 0.6f, 0.2f];
        Assert.Equal(2.0 / 3, Run(new Precision(), labels, preds, 5), 1e-12);
        labels = [1, 0, 0, 1, 1];
        preds = [0.9f, 0.1f, 0.3f, 0.6f, 0.2f]; // TP 2, FP 0, FN 1
        Assert.Equal(1.0, Run(new Precision(), labels, preds, 5), 1e-12);
        Assert.Equal(2.0 / 3, Run(new Recall(), labels, preds, 5), 1e-12);
        Assert.Equal(0, new Precision().Result()); // divide_no_nan before any update
    }

    [Fact]
    public void AucMatchesKerasDocstring()
    {
        // Keras docstring of keras.metrics.AUC: num_thresholds 3, y_true [0,0,1,1], y_pred [0,0.5,0.3,0.9] → 0.75
        // thresholds [−1e-7, 0.5, 1+1e-7]; tpr [1, 0.5, 0], fpr [1, 0, 0]; ((1+0.5)/2)·(1−0) + ((0.5+0)/2)·0 = 0.75
        Assert.Equal(0.75, Run(new AUC(numThresholds: 3), [0, 0, 1, 1], [0, 0.5f, 0.3f, 0.9f], 4), 1e-12);
    }

    [Fact]
    public void AucWithDefaultThresholdsApproachesTheExactArea()
    {
        // Exact ROC AUC = P(score of a positive > score of a negative): positives {0.35, 0.8, 0.9}, negatives
        // {0.1, 0.4, 0.7}: 0.35 beats 1 negative, 0.8 beats 3, 0.9 beats 3 → 7 of 9 pairs.
        // With 200 thresholds all scores fall in distinct buckets, so the trapezoid sum is exact.
        Assert.Equal(200, new AUC().NumThresholds);
        Assert.Equal(7.0 / 9, Run(new AUC(), [1, 0, 1, 0, 1, 0], [0.35f, 0.1f, 0.8f, 0.4f, 0.9f, 0.7f], 6), 1e-6);
    }

    [Fact]
    public void StateAccumulatesAcrossBatchesUntilReset()
    {
        var acc = new BinaryAccuracy();
        acc.Update([1, 0], [0.9f, 0.9f], 2, 1, 1);        // 1 of 2
        acc.Update([1, 1, 1], [0.9f, 0.8f, 0.7f], 3, 1, 1); // 3 of 3
        Assert.Equal(4.0 / 5, acc.Result(), 1e-12);           // mean over all 5 samples, not of the batch means
        acc.Reset();
        Assert.Equal(0, acc.Result());
        acc.Update([0], [0.1f], 1, 1, 1);
        Assert.Equal(1, acc.Result());

        var auc = new AUC(numThresholds: 3);
        auc.Update([0, 0], [0, 0.5f], 2, 1, 1);
        auc.Update([1, 1], [0.3f, 0.9f], 2, 1, 1);
        Assert.Equal(0.75, auc.Result(), 1e-12); // the docstring example split over two batches
        auc.Reset();
        Assert.Equal(0, auc.Result());
    }

    [Fact]
    public void MeanIsWeightedByBatchSize()
    {
        // batches of 32 with loss 1.0 and a last batch of 8 with loss 2.0: (32·1 + 8·2)/40 = 1.2
        var mean = new Mean("loss");
        mean.Update(1.0, 32);
        mean.Update(2.0, 8);
        Assert.Equal(1.2, mean.Result(), 1e-12);
        mean.Reset();
        Assert.Equal(0, mean.Result());
    }

    [Fact]
    public void UpdateAllocatesNothing()
    {
        Metric[] metrics = [new BinaryAccuracy(), new Precision(), new Recall(), new AUC(), new Nabla.Metrics.MeanSquaredError()];
        float[] t = [1, 0, 1, 0], p = [0.6f, 0.5f, 0.4f, 0.9f];
        foreach (var m in metrics) m.Update(t, p, 4, 1, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var m in metrics) m.Update(t, p, 4, 1, 1);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WrongSizesAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => new CategoricalAccuracy().Update(new float[6], new float[8], 2, 3, 4));
        Assert.Contains("categorical_accuracy", e.Message);
        Assert.Contains("width 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => new BinaryAccuracy().Update(new float[3], new float[4], 4, 1, 1));
        Assert.Contains("3", e.Message);
    }

    public static TheoryData<Metric> AllMetrics() => new(
        new BinaryAccuracy(0.7), new CategoricalAccuracy(), new SparseCategoricalAccuracy(), new TopKCategoricalAccuracy(3),
        new Nabla.Metrics.MeanAbsoluteError(), new Nabla.Metrics.MeanSquaredError("mse"), new AUC(100, "minoring", true),
        new Precision(0.3), new Recall(), new Mean("loss"));

    [Theory]
    [MemberData(nameof(AllMetrics))]
    public void ConfigRoundTrips(Metric metric)
    {
        string json = Nabla.Metrics.Metric.Serialize(metric).ToJsonString();
        var rebuilt = Nabla.Metrics.Metric.Deserialize(Config.Parse(json));
        Assert.Equal(metric.GetType(), rebuilt.GetType());
        Assert.Equal(json, Nabla.Metrics.Metric.Serialize(rebuilt).ToJsonString());
    }
}
