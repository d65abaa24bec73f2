using Nabla.Data;

namespace Nabla.Tests.Data;

public class PreprocessingTests
{
    [Fact]
    public void ToCategoricalOneHotEncodes()
    {
        var y = Preprocessing.ToCategorical(Tensor.FromArray([2f, 0f, 1f], 3), 4);
        Assert.Equal(new[] { 3, 4 }, y.Shape);
        Assert.Equal(new float[] { 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0 }, y.Data);
    }

    [Fact]
    public void ToCategoricalFollowsKerasShapeRules()
    {
        // keras.utils.to_categorical: a trailing axis of size 1 is dropped before the class axis is added
        // (keras/src/utils/numerical_utils.py: `if input_shape and input_shape[-1] == 1 and len(input_shape) > 1`).
        Assert.Equal(new[] { 3, 5 }, Preprocessing.ToCategorical(Tensor.FromArray([1f, 2f, 3f], 3, 1), 5).Shape);
        // Other shapes keep every axis and gain the class axis.
        Assert.Equal(new[] { 2, 2, 3 }, Preprocessing.ToCategorical(Tensor.FromArray([0f, 1f, 2f, 0f], 2, 2), 3).Shape);
        // Without num_classes Keras uses max(label) + 1.
        Assert.Equal(new[] { 2, 8 }, Preprocessing.ToCategorical(Tensor.FromArray([7f, 0f], 2)).Shape);
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(3f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void ToCategoricalRefusesLabelsThatAreNotClasses(float bad)
    {
        var e = Assert.Throws<ArgumentException>(() => Preprocessing.ToCategorical(Tensor.FromArray([0f, bad], 2), 3));
        Assert.Contains("flat index 1", e.Message);
    }

    [Fact]
    public void StandardScaleGivesZeroMeanUnitStdPerFeatureAndSurvivesConstantFeatures()
    {
        var x = Tensor.FromArray([1f, 10f, 5f, 3f, 30f, 5f, 5f, 20f, 5f], 3, 3);
        var (scaled, scaling) = Preprocessing.StandardScale(x);
        for (int f = 0; f < 2; f++)
        {
            var column = new[] { scaled.Data[f], scaled.Data[3 + f], scaled.Data[6 + f] };
            Assert.Equal(0, column.Average(), 1e-5);
            Assert.Equal(1, Math.Sqrt(column.Select(v => v * v).Average()), 1e-5);
        }
        Assert.Equal(new[] { 0f, 0f, 0f }, new[] { scaled.Data[2], scaled.Data[5], scaled.Data[8] });
        Assert.Equal(3f, scaling.Subtract[0], 1e-5);
        Assert.Equal((float)Math.Sqrt(8.0 / 3), scaling.DivideBy[0], 1e-5); // population std of 1, 3, 5
        Assert.Equal(1f, scaling.DivideBy[2]); // constant feature: divide by 1, not 0
        Assert.Equal(new float[] { 1, 10, 5, 3, 30, 5, 5, 20, 5 }, x.Data); // input untouched
    }

    [Fact]
    public void ScalingAppliesTrainingStatisticsToTestData()
    {
        var (_, scaling) = Preprocessing.StandardScale(Tensor.FromArray([0f, 2f, 4f, 6f], 4, 1));
        var test = scaling.Apply(Tensor.FromArray([3f, 3f + (float)Math.Sqrt(5)], 2, 1));
        Assert.Equal(0f, test.Data[0], 1e-5);
        Assert.Equal(1f, test.Data[1], 1e-5);
        Assert.Throws<ArgumentException>(() => scaling.Apply(Tensor.FromArray([1f, 2f], 1, 2)));
    }

    [Fact]
    public void MinMaxScaleMapsEachFeatureToUnitInterval()
    {
        var x = Tensor.FromArray([0f, -1f, 7f, 10f, 1f, 7f, 5f, 0f, 7f], 3, 3);
        var (scaled, scaling) = Preprocessing.MinMaxScale(x);
        Assert.Equal(new float[] { 0, 0, 0, 1, 1, 0, 0.5f, 0.5f, 0 }, scaled.Data);
        Assert.Equal(new[] { 0f, -1f, 7f }, scaling.Subtract);
        Assert.Equal(new[] { 10f, 2f, 1f }, scaling.DivideBy);
    }

    [Fact]
    public void ScalersWorkPerPixelOnImages()
    {
        var images = Tensor.FromArray([0f, 255f, 0f, 0f, 255f, 0f, 0f, 255f], 2, 2, 2);
        var (scaled, scaling) = Preprocessing.MinMaxScale(images);
        Assert.Equal(4, scaling.Features);
        Assert.Equal(images.Shape, scaled.Shape);
    }

    [Fact]
    public void ScalersRefuseNaN()
    {
        var e = Assert.Throws<ArgumentException>(() => Preprocessing.StandardScale(Tensor.FromArray([1f, float.NaN], 2, 1)));
        Assert.Contains("flat index 1", e.Message);
    }

    private static (Tensor X, Tensor Y) Numbered(int n)
    {
        // Row i of x is (i, -i); y is i: lets a test check that x and y stay paired.
        var x = new float[2 * n];
        var y = new float[n];
        for (int i = 0; i < n; i++) { x[2 * i] = i; x[2 * i + 1] = -i; y[i] = i; }
        return (Tensor.FromArray(x, n, 2), Tensor.FromArray(y, n));
    }

    private static void AssertPaired(Tensor x, Tensor y)
    {
        for (int i = 0; i < y.Size; i++)
            Assert.Equal((y.Data[i], -y.Data[i]), (x.Data[2 * i], x.Data[2 * i + 1]));
    }

    [Fact]
    public void TrainTestSplitIsASeededPartitionThatKeepsPairs()
    {
        var (x, y) = Numbered(10);
        var ((xTrain, yTrain), (xTest, yTest)) = Preprocessing.TrainTestSplit(x, y, 0.25, seed: 42);
        Assert.Equal(3, yTest.Size); // ceil(0.25 * 10), as scikit-learn rounds the test size
        Assert.Equal(7, yTrain.Size);
        Assert.Equal(new[] { 7, 2 }, xTrain.Shape);
        AssertPaired(xTrain, yTrain);
        AssertPaired(xTest, yTest);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), yTrain.Data.Concat(yTest.Data).Order());
        Assert.NotEqual(Enumerable.Range(0, 7).Select(i => (float)i), yTrain.Data);

        var again = Preprocessing.TrainTestSplit(x, y, 0.25, seed: 42);
        Assert.Equal(yTest.Data, again.Test.Y.Data);
        var other = Preprocessing.TrainTestSplit(x, y, 0.25, seed: 43);
        Assert.NotEqual(yTrain.Data, other.Train.Y.Data);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(0.95)]
    public void TrainTestSplitRefusesFractionsLeavingAnEmptySide(double fraction)
    {
        var (x, y) = Numbered(10);
        Assert.ThrowsAny<ArgumentException>(() => Preprocessing.TrainTestSplit(x, y, fraction, 1));
    }

    [Fact]
    public void ShuffleIsSeededAndKeepsPairs()
    {
        var (x, y) = Numbered(50);
        var (xs, ys) = Preprocessing.Shuffle(x, y, seed: 7);
        AssertPaired(xs, ys);
        Assert.Equal(y.Data, ys.Data.Order());
        Assert.NotEqual(y.Data, ys.Data);
        Assert.Equal(ys.Data, Preprocessing.Shuffle(x, y, seed: 7).Y.Data);
        Assert.Throws<ArgumentException>(() => Preprocessing.Shuffle(x, Tensor.FromArray([1f], 1), 7));
    }

    [Fact]
    public void TakeRowsGathersSamplesInTheOrderGivenAndRefusesAnIndexOutside()
    {
        var x = Tensor.FromArray([0f, 1, 10, 11, 20, 21], 3, 2);
        Assert.Equal([20f, 21, 0, 1, 20, 21], Preprocessing.TakeRows(x, [2, 0, 2]).Data);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Preprocessing.TakeRows(x, [3]));
        Assert.Contains("0..2", error.Message);
    }
}
