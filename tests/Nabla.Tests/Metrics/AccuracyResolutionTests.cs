namespace Nabla.Tests.Metrics;

using Nabla.Losses;
using Nabla.Metrics;

/// <summary>
/// "accuracy" resolves as keras/src/trainers/compile_utils.py get_metric / is_binary_or_sparse_categorical:
///   is_binary = y_pred.shape[-1] == 1
///   is_sparse_categorical = rank(y_true) &lt; rank(y_pred) or (y_true.shape[-1] == 1 and y_pred.shape[-1] &gt; 1)
///   binary if is_binary, else sparse if is_sparse_categorical, else categorical.
/// Keras 3 looks at shapes only (Keras 2 also chose binary accuracy for a binary-crossentropy loss).
/// </summary>
public class AccuracyResolutionTests
{
    public static TheoryData<string, int[], int[], Type> Cases() => new()
    {
        { "mse", new[] { -1, 1 }, new[] { -1, 1 }, typeof(BinaryAccuracy) },                    // single sigmoid unit
        { "mse", new[] { -1 }, new[] { -1, 1 }, typeof(BinaryAccuracy) },                       // [B] targets, one unit
        { "sparse_categorical_crossentropy", new[] { -1 }, new[] { -1, 10 }, typeof(SparseCategoricalAccuracy) }, // fewer axes
        { "sparse_categorical_crossentropy", new[] { -1, 1 }, new[] { -1, 10 }, typeof(SparseCategoricalAccuracy) }, // last dim 1
        { "categorical_crossentropy", new[] { -1, 10 }, new[] { -1, 10 }, typeof(CategoricalAccuracy) },
        { "mse", new[] { -1, 10 }, new[] { -1, 10 }, typeof(CategoricalAccuracy) },            // one-hot targets with MSE
        { "binary_crossentropy", new[] { -1, 5 }, new[] { -1, 5 }, typeof(CategoricalAccuracy) }, // Keras 3: shapes decide, even with BCE
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AccuracyFollowsKerasRule(string loss, int[] yTrueShape, int[] yPredShape, Type expected)
    {
        foreach (var name in new[] { "accuracy", "acc" })
        {
            var metric = Nabla.Metrics.Metric.Resolve(name, Nabla.Losses.Loss.Get(loss), yTrueShape, yPredShape);
            Assert.IsType(expected, metric);
            Assert.Equal(name, metric.Name); // Keras names the metric after the identifier given to compile
        }
    }

    [Fact]
    public void OtherNamesKeepTheIdentifierAsHistoryKey()
    {
        var mae = Nabla.Metrics.Metric.Resolve("mae", null, [-1, 1], [-1, 1]);
        Assert.IsType<Nabla.Metrics.MeanAbsoluteError>(mae);
        Assert.Equal("mae", mae.Name);
        Assert.Equal("auc", Nabla.Metrics.Metric.Resolve("auc", null, [-1, 1], [-1, 1]).Name);
    }

    [Fact]
    public void DefaultNamesAreKeras()
    {
        Assert.Equal("auc", new AUC().Name);
        Assert.Equal("precision", new Precision().Name);
        Assert.Equal("recall", new Recall().Name);
        Assert.Equal("binary_accuracy", new BinaryAccuracy().Name);
        Assert.Equal("top_k_categorical_accuracy", new TopKCategoricalAccuracy().Name);
    }

    [Fact]
    public void GetOfAccuracyAsksForShapesAndUnknownNamesListValidOnes()
    {
        Assert.Contains("Resolve", Assert.Throws<ArgumentException>(() => Nabla.Metrics.Metric.Get("accuracy")).Message);
        var e = Assert.Throws<ArgumentException>(() => Nabla.Metrics.Metric.Get("acuracy"));
        Assert.Contains("binary_accuracy", e.Message);
    }
}
