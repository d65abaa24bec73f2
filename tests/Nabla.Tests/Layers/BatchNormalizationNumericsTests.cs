using Nabla.Autograd;
using Nabla.Kernels;
using Nabla.Layers;

namespace Nabla.Tests.Layers;

/// <summary>
/// Batch normalization's statistics, output and gradients against a float64 reference written from the formulas, for
/// feature counts that tile in 16 to 592 values, batches that end inside a tile and batches that span many blocks of
/// float partial sums. The inputs sit at 100 ± 1, where squares taken about zero instead of the mean would cancel.
/// </summary>
public class BatchNormalizationNumericsTests
{
    public static TheoryData<int, int> Shapes => new()
    {
        { 1, 1 }, { 5, 3 }, { 1000, 1 }, { 1000, 6 }, { 2 * FeatureColumns.TilesPerBlock * 16 + 3, 8 }, { 777, 16 }, { 130, 37 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Statistics_output_and_gradients_match_a_float64_reference(int rows, int features)
    {
        var random = new Random(rows * 131 + features);
        var xs = new double[rows * features];
        for (int i = 0; i < xs.Length; i++) xs[i] = (float)(100 + Normal(random)); // the values the layer sees
        var dys = new double[xs.Length];
        for (int i = 0; i < dys.Length; i++) dys[i] = 0.5 + random.NextDouble();
        var gammas = Enumerable.Range(0, features).Select(_ => 0.5 + random.NextDouble()).ToArray();
        var betas = Enumerable.Range(0, features).Select(_ => random.NextDouble() - 0.5).ToArray();

        // Momentum 0 makes the moving statistics the batch's own.
        var layer = new BatchNormalization(momentum: 0, epsilon: 1e-3);
        layer.Build([features]);
        Set(layer.Weights[0], gammas);
        Set(layer.Weights[1], betas);
        var x = Tensor.FromArray(xs.Select(v => (float)v).ToArray(), rows, features).RequireGrad();
        var y = layer.Call(x, training: true);
        new Graph(y).Backward(Tensor.FromArray(dys.Select(v => (float)v).ToArray(), rows, features));

        for (int f = 0; f < features; f++)
        {
            double mean = 0, variance = 0;
            for (int r = 0; r < rows; r++) mean += xs[r * features + f];
            mean /= rows;
            for (int r = 0; r < rows; r++) variance += Math.Pow(xs[r * features + f] - mean, 2);
            variance /= rows;
            double invStd = 1 / Math.Sqrt(variance + 1e-3);
            Near(mean, layer.Weights[2].Data[f], 1e-6, $"moving_mean[{f}]");
            Near(variance, layer.Weights[3].Data[f], 1e-3, $"moving_variance[{f}]");

            double sumDy = 0, sumDyXhat = 0;
            for (int r = 0; r < rows; r++)
            {
                int i = r * features + f;
                double xhat = (xs[i] - mean) * invStd;
                sumDy += dys[i];
                sumDyXhat += dys[i] * xhat;
                Near(gammas[f] * xhat + betas[f], y.Data[i], 1e-3, $"y[{r}, {f}]");
            }
            Near(sumDyXhat, layer.Weights[0].Grad!.Data[f], 1e-3, $"dgamma[{f}]", scale: rows);
            Near(sumDy, layer.Weights[1].Grad!.Data[f], 1e-6, $"dbeta[{f}]", scale: rows);
            for (int r = 0; r < rows; r++)
            {
                int i = r * features + f;
                double xhat = (xs[i] - mean) * invStd;
                double dx = gammas[f] * invStd * (dys[i] - sumDy / rows - xhat * sumDyXhat / rows);
                Near(dx, x.Grad!.Data[i], 1e-3, $"dx[{r}, {f}]");
            }
        }
    }

    [Fact]
    public void Tiles_hold_whole_rows_for_every_vector_width()
    {
        foreach (int features in new[] { 1, 3, 6, 8, 16, 24, 37, 1280 })
        {
            int width = new FeatureColumns(features).Width;
            Assert.Equal(0, width % features);
            Assert.Equal(0, width % 16);
            Assert.True(width <= 16 * features, $"{features} features: tile of {width}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new FeatureColumns(0));
        Assert.Throws<ArgumentException>(() => new FeatureColumns(3).Tile(new float[3], new float[16]));
    }

    private static void Near(double expected, float actual, double tolerance, string what, double scale = 1)
    {
        double allowed = tolerance * Math.Max(1, Math.Abs(expected)) * Math.Max(1, Math.Sqrt(scale) / 10);
        Assert.True(Math.Abs(actual - expected) <= allowed, $"{what}: expected {expected:G9}, found {actual:G9} (allowed {allowed:G3})");
    }

    private static void Set(Tensor tensor, double[] values)
    {
        for (int i = 0; i < values.Length; i++) tensor.Data[i] = (float)values[i];
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
