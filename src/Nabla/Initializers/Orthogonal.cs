using Nabla.Configuration;

namespace Nabla.Initializers;

/// <summary>
/// Keras's <c>Orthogonal</c> (gain 1): the tensor is viewed as a matrix [product of leading dims, last dim];
/// a normal matrix of shape [max, min] is QR-factorized, Q's columns are multiplied by the signs of R's
/// diagonal (so Q is uniformly distributed), and Q is transposed when the matrix has fewer rows than
/// columns. The result has orthonormal columns (or rows), times <see cref="Gain"/>.
/// </summary>
public sealed class Orthogonal(double gain = 1.0, long? seed = null) : RandomInitializer(seed)
{
    public double Gain { get; } = Finite(gain, "gain");

    public override string ClassName => "Orthogonal";

    public override Config GetConfig()
    {
        var config = SeedConfig();
        config["gain"] = Gain;
        return config;
    }

    public static Orthogonal FromConfig(Config config)
    {
        RefuseNullParameters(config, "Orthogonal", "gain");
        return new(config.GetDouble("gain", 1.0), ReadSeed(config));
    }

    /// <summary>Each of the min(m, n) orthonormal vectors of an m×n result adds 1 to the sum of squares, so
    /// the mean square is 1/max(m, n) (the mean is ≈ 0); 2-D fans are m and n.</summary>
    public override double ExpectedStd(int fanIn, int fanOut) => Gain / Math.Sqrt(Math.Max(1, Math.Max(fanIn, fanOut)));

    protected override void Fill(Span<float> values, int[] shape)
    {
        if (shape.Length < 2)
            throw new ArgumentException(
                $"Orthogonal needs a tensor of at least 2 dimensions; got shape {Tensor.ShapeString(shape)}.", nameof(shape));
        int rows = values.Length / Math.Max(1, shape[^1]), cols = shape[^1];
        if (values.Length == 0) return;
        int tall = Math.Max(rows, cols), thin = Math.Min(rows, cols);
        var a = new double[tall * thin];
        var rng = Generator();
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextNormal();
        var q = OrthonormalFactor(a, tall, thin);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                values[r * cols + c] = (float)(Gain * (rows >= cols ? q[r * thin + c] : q[c * thin + r]));
    }

    /// <summary>
    /// The Q of A = QR (A is m×n, m ≥ n, row-major) with its columns signed so that R's diagonal is
    /// non-negative, computed by Householder reflections in double precision.
    /// </summary>
    internal static double[] OrthonormalFactor(double[] a, int m, int n)
    {
        var householder = new double[n][];
        for (int k = 0; k < n; k++)
        {
            // v = x + sign(x0)·|x|·e0 over rows k..m-1 of column k; H = I - 2vvᵀ/vᵀv zeroes x below row k.
            var v = new double[m - k];
            double norm = 0;
            for (int i = k; i < m; i++) { v[i - k] = a[i * n + k]; norm += v[i - k] * v[i - k]; }
            norm = Math.Sqrt(norm);
            v[0] += v[0] >= 0 ? norm : -norm;
            double vv = 0;
            foreach (double x in v) vv += x * x;
            householder[k] = v;
            if (vv == 0) continue;
            for (int j = k; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i - k] * a[i * n + j];
                double f = 2 * dot / vv;
                for (int i = k; i < m; i++) a[i * n + j] -= f * v[i - k];
            }
        }
        // Q = H0·H1·…·H(n-1) applied to the first n columns of the identity.
        var q = new double[m * n];
        for (int i = 0; i < n; i++) q[i * n + i] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            var v = householder[k];
            double vv = 0;
            foreach (double x in v) vv += x * x;
            if (vv == 0) continue;
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
                double f = 2 * dot / vv;
                for (int i = k; i < m; i++) q[i * n + j] -= f * v[i - k];
            }
        }
        // a now holds R; Keras multiplies Q's columns by sign(diag R) (ops.sign, so 0 stays 0).
        for (int j = 0; j < n; j++)
        {
            int sign = Math.Sign(a[j * n + j]);
            for (int i = 0; i < m; i++) q[i * n + j] *= sign;
        }
        return q;
    }
}
