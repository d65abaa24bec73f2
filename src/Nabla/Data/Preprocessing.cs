namespace Nabla.Data;

/// <summary>
/// Array helpers in the spirit of keras.utils and scikit-learn's preprocessing. "Features" are
/// everything after the first axis: x [samples, ...] is viewed as [samples, features].
/// </summary>
public static partial class Preprocessing
{
    /// <summary>
    /// One-hot encodes integer class labels, as keras.utils.to_categorical: the output shape is the
    /// labels' shape plus a last axis of <paramref name="numClasses"/>, except that a trailing axis
    /// of size 1 is replaced (labels [n, 1] give [n, numClasses]). Without <paramref name="numClasses"/>
    /// it is max(label) + 1. Unlike NumPy indexing, negative or fractional labels are errors.
    /// </summary>
    public static Tensor ToCategorical(Tensor labels, int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (numClasses is <= 0)
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "numClasses must be positive.");
        var values = labels.Data;
        int classes = numClasses ?? (values.Length == 0 ? 0 : (int)values.Max() + 1);
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!(v >= 0 && v < classes && v == MathF.Floor(v)))
                throw new ArgumentException(
                    $"Label {v} at flat index {i} is not an integer class in 0..{classes - 1} (numClasses = {classes}).", nameof(labels));
        }

        int[] shape = labels.Rank > 1 && labels.Shape[^1] == 1 ? labels.Shape[..^1] : labels.Shape;
        var result = new Tensor([.. shape, classes]);
        for (int i = 0; i < values.Length; i++) result.Data[i * classes + (int)values[i]] = 1f;
        return result;
    }

    /// <summary>
    /// Scales each feature to mean 0 and standard deviation 1 (population std, as scikit-learn's
    /// StandardScaler). A constant feature is only centred (its std is taken as 1), so it stays
    /// finite. Apply the returned scaling to test data with <see cref="FeatureScaling.Apply"/>.
    /// </summary>
    public static (Tensor Scaled, FeatureScaling Scaling) StandardScale(Tensor x)
    {
        var (rows, features) = CheckFeatures(x, nameof(x));
        var (mean, std) = Moments(x.Data.AsSpan(0, rows * features), features);
        var subtract = new float[features];
        var divide = new float[features];
        for (int f = 0; f < features; f++)
        {
            subtract[f] = (float)mean[f];
            divide[f] = (float)std[f] > 0 ? (float)std[f] : 1f;
        }
        var scaling = new FeatureScaling(subtract, divide);
        return (scaling.Apply(x), scaling);
    }

    /// <summary>The mean and population standard deviation of each of <paramref name="features"/> interleaved features
    /// (value i belongs to feature i mod features), in double. Two passes, mean first, so that large offsets do not
    /// cancel catastrophically in the variance.</summary>
    internal static (double[] Mean, double[] Std) Moments(ReadOnlySpan<float> values, int features)
    {
        int rows = values.Length / features;
        var mean = new double[features];
        var squares = new double[features];
        for (int r = 0; r < rows; r++)
        {
            var row = values.Slice(r * features, features);
            for (int f = 0; f < features; f++) mean[f] += row[f];
        }
        for (int f = 0; f < features; f++) mean[f] /= rows;
        for (int r = 0; r < rows; r++)
        {
            var row = values.Slice(r * features, features);
            for (int f = 0; f < features; f++) squares[f] += (row[f] - mean[f]) * (row[f] - mean[f]);
        }
        var std = new double[features];
        for (int f = 0; f < features; f++) std[f] = Math.Sqrt(squares[f] / rows);
        return (mean, std);
    }

    /// <summary>
    /// Scales each feature to [0, 1] by its minimum and maximum (scikit-learn's MinMaxScaler).
    /// A constant feature maps to 0. Apply the returned scaling to test data with <see cref="FeatureScaling.Apply"/>.
    /// </summary>
    public static (Tensor Scaled, FeatureScaling Scaling) MinMaxScale(Tensor x)
    {
        var (rows, features) = CheckFeatures(x, nameof(x));
        var min = x.Data.AsSpan(0, features).ToArray();
        var max = (float[])min.Clone();
        for (int r = 1; r < rows; r++)
        {
            var row = x.Data.AsSpan(r * features, features);
            for (int f = 0; f < features; f++)
            {
                min[f] = MathF.Min(min[f], row[f]);
                max[f] = MathF.Max(max[f], row[f]);
            }
        }
        var divide = new float[features];
        for (int f = 0; f < features; f++) divide[f] = max[f] > min[f] ? max[f] - min[f] : 1f;
        var scaling = new FeatureScaling(min, divide);
        return (scaling.Apply(x), scaling);
    }

    /// <summary>
    /// Shuffles the samples of <paramref name="x"/> and <paramref name="y"/> with the same seeded
    /// permutation and splits off the last ceil(testFraction * n) of them as the test set
    /// (scikit-learn rounds the test size up the same way).
    /// </summary>
    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) TrainTestSplit(
        Tensor x, Tensor y, double testFraction, long seed)
    {
        int n = CheckPaired(x, y);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be strictly between 0 and 1.");
        int testCount = (int)Math.Ceiling(testFraction * n);
        if (testCount >= n)
            throw new ArgumentException(
                $"testFraction {testFraction} of {n} samples leaves no training sample ({testCount} would be test samples).", nameof(testFraction));
        var order = Permutation(n, seed);
        int trainCount = n - testCount;
        var train = order.AsSpan(0, trainCount);
        var test = order.AsSpan(trainCount);
        return ((TakeRows(x, train), TakeRows(y, train)), (TakeRows(x, test), TakeRows(y, test)));
    }

    /// <summary>Returns copies of x and y whose samples are reordered by the same seeded permutation.</summary>
    public static (Tensor X, Tensor Y) Shuffle(Tensor x, Tensor y, long seed)
    {
        int n = CheckPaired(x, y);
        var order = Permutation(n, seed);
        return (TakeRows(x, order), TakeRows(y, order));
    }

    private static int[] Permutation(int n, long seed)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        new RandomGenerator(seed).Shuffle(order);
        return order;
    }

    /// <summary>A new tensor holding the consecutive samples <paramref name="start"/> (inclusive) to
    /// <paramref name="end"/> (exclusive) of <paramref name="source"/> (NumPy's <c>x[start:end]</c>).</summary>
    internal static Tensor RowRange(Tensor source, int start, int end)
    {
        int rowSize = source.RowSize;
        var data = source.Data.AsSpan(start * rowSize, (end - start) * rowSize).ToArray();
        return Tensor.FromArray(data, [end - start, .. source.Shape[1..]]);
    }

    /// <summary>A new tensor holding the samples (first-axis slices) of <paramref name="source"/> at <paramref name="rows"/>,
    /// in that order (NumPy's <c>x[rows]</c>); every index must be a sample of <paramref name="source"/>.</summary>
    public static Tensor TakeRows(Tensor source, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Rank == 0)
            throw new ArgumentException("TakeRows needs a tensor with a sample axis; found a scalar.", nameof(source));
        foreach (int row in rows)
            if ((uint)row >= (uint)source.Shape[0])
                throw new ArgumentOutOfRangeException(nameof(rows), row,
                    $"TakeRows: row index must be in 0..{source.Shape[0] - 1} (shape {Tensor.ShapeString(source.Shape)}).");
        int rowSize = source.RowSize;
        var shape = (int[])source.Shape.Clone();
        shape[0] = rows.Length;
        var result = new Tensor(shape);
        for (int i = 0; i < rows.Length; i++)
            source.Data.AsSpan(rows[i] * rowSize, rowSize).CopyTo(result.Data.AsSpan(i * rowSize, rowSize));
        return result;
    }

    private static int CheckPaired(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rank == 0 || y.Rank == 0)
            throw new ArgumentException($"x and y need a sample axis; got shapes {Tensor.ShapeString(x.Shape)} and {Tensor.ShapeString(y.Shape)}.");
        if (x.Shape[0] != y.Shape[0])
            throw new ArgumentException(
                $"x has {x.Shape[0]} samples (shape {Tensor.ShapeString(x.Shape)}) but y has {y.Shape[0]} (shape {Tensor.ShapeString(y.Shape)}).", nameof(y));
        return x.Shape[0];
    }

    internal static (int Rows, int Features) CheckFeatures(Tensor x, string argument)
    {
        ArgumentNullException.ThrowIfNull(x, argument);
        if (x.Rank == 0 || x.Shape[0] == 0)
            throw new ArgumentException($"Expected x with at least one sample, shape [samples, ...]; found shape {Tensor.ShapeString(x.Shape)}.", argument);
        int bad = Array.FindIndex(x.Data, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentException($"Expected finite values; found {x.Data[bad]} at flat index {bad} of shape {Tensor.ShapeString(x.Shape)}.", argument);
        return (x.Shape[0], x.RowSize);
    }
}
