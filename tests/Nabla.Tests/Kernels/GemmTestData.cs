using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>Random operands and the accuracy check shared by the GEMM tests.</summary>
internal static class GemmTestData
{
    /// <summary>
    /// (m, n, k) cases: odd sizes around every tile edge (1, 7, 33, 129 against MR = 4/6/8 and NR = 8/16/32),
    /// sizes past one KC block (k = 300 > 256), and the dense-layer shapes of an MNIST MLP at batch 32:
    /// forward X·W [32,784]·[784,128], the skinny [32,128]·[128,10], dW = Xᵀ·dY [784,32]·[32,128] and
    /// dX = dY·Wᵀ [32,128]·[128,784].
    /// </summary>
    public static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (7, 7, 7), (33, 33, 33), (129, 129, 129), (1, 7, 33), (33, 1, 7), (7, 129, 1), (129, 1, 33),
        (17, 45, 300), (784, 128, 10), (32, 128, 784), (32, 10, 128), (784, 128, 32), (32, 784, 128),
    ];

    public static TheoryData<int, int, int> ShapeData()
    {
        var data = new TheoryData<int, int, int>();
        foreach (var (m, n, k) in Shapes) data.Add(m, n, k);
        return data;
    }

    public static float[] Random(int seed, int length)
    {
        var rng = new RandomGenerator(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)rng.Uniform(-1, 1);
        return values;
    }

    /// <summary>
    /// Asserts C matches the double-accumulated reference. Error model: a float32 dot product of length k
    /// has error at most about k·u·Σ|a·b| (u = 2⁻²⁴ ≈ 6e-8) and typically √k·u·Σ|a·b|. The tolerance
    /// 1e-5·√k·Σ|a·b| is above the worst case k·u·Σ|a·b| for every k ≤ 27,000, so a correct kernel never
    /// fails, while one missing or doubled term (about Σ|a·b|/k) exceeds it for the k tested here.
    /// </summary>
    public static void AssertClose(float[] expected, float[] actual, float[] scale, int k, string context)
    {
        double factor = 1e-5 * Math.Sqrt(Math.Max(k, 1));
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = factor * scale[i] + 1e-30;
            double error = Math.Abs((double)expected[i] - actual[i]);
            if (!(error <= tolerance))
                Assert.Fail($"{context}: element {i} is {actual[i]}, reference {expected[i]} (error {error:G3} > tolerance {tolerance:G3}).");
        }
    }

    /// <summary>Σ_p |op(A)[i,p]|·|op(B)[p,j]| (+ |C| when accumulating): the scale of each element's rounding error.</summary>
    public static float[] ErrorScale(bool transA, bool transB, int m, int n, int k, float[] a, float[] b, float[] c0, bool accumulate)
    {
        var scale = c0.Select(Math.Abs).ToArray();
        Gemm.Reference(transA, transB, m, n, k, a.Select(Math.Abs).ToArray(), b.Select(Math.Abs).ToArray(), scale, accumulate);
        return scale;
    }
}
