using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>Every packed path against <see cref="Gemm.Reference"/>: all shapes, transposes and accumulate modes.</summary>
public class GemmTests
{
    public static TheoryData<int, int, int> Shapes => GemmTestData.ShapeData();

    [GemmPathTheory(GemmPath.Avx512)]
    [MemberData(nameof(Shapes))]
    public void Avx512MatchesReference(int m, int n, int k) => CheckAllVariants(GemmPath.Avx512, m, n, k);

    [GemmPathTheory(GemmPath.Avx2)]
    [MemberData(nameof(Shapes))]
    public void Avx2MatchesReference(int m, int n, int k) => CheckAllVariants(GemmPath.Avx2, m, n, k);

    [GemmPathTheory(GemmPath.Vector)]
    [MemberData(nameof(Shapes))]
    public void VectorMatchesReference(int m, int n, int k) => CheckAllVariants(GemmPath.Vector, m, n, k);

    [Theory]
    [InlineData(33, 7, 129)]
    [InlineData(32, 128, 784)]
    public void PublicMultiplyMatchesReference(int m, int n, int k)
    {
        // Through the public entry point: whatever path and threads the settings pick.
        var (a, b, c0) = Operands(m, n, k, 11);
        var c = (float[])c0.Clone();
        Gemm.Multiply(false, false, m, n, k, a, b, c);
        var expected = (float[])c0.Clone();
        Gemm.Reference(false, false, m, n, k, a, b, expected);
        GemmTestData.AssertClose(expected, c, GemmTestData.ErrorScale(false, false, m, n, k, a, b, c0, false), k, "public Multiply");
    }

    private static void CheckAllVariants(GemmPath path, int m, int n, int k)
    {
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
                foreach (bool accumulate in new[] { false, true })
                {
                    var (a, b, c0) = Operands(m, n, k, seed: m * 7919 + n * 104729 + k);
                    var actual = (float[])c0.Clone();
                    Gemm.MultiplyOn(path, 1, transA, transB, m, n, k, a, b, actual, accumulate);
                    var expected = (float[])c0.Clone();
                    Gemm.Reference(transA, transB, m, n, k, a, b, expected, accumulate);
                    var scale = GemmTestData.ErrorScale(transA, transB, m, n, k, a, b, c0, accumulate);
                    GemmTestData.AssertClose(expected, actual, scale, k,
                        $"{path} m={m} n={n} k={k} transA={transA} transB={transB} accumulate={accumulate}");
                }
    }

    /// <summary>A and B with random values; C starts random so "overwrite" and "accumulate" differ.</summary>
    internal static (float[] A, float[] B, float[] C) Operands(int m, int n, int k, int seed) =>
        (GemmTestData.Random(seed, m * k), GemmTestData.Random(seed + 1, k * n), GemmTestData.Random(seed + 2, m * n));

    public static TheoryData<GemmPath> PackedPaths()
    {
        var data = new TheoryData<GemmPath>();
        foreach (var path in new[] { GemmPath.Avx512, GemmPath.Avx2, GemmPath.Vector })
            if (GemmKernels.IsSupported(path)) data.Add(path);
        return data;
    }

    [Theory]
    [MemberData(nameof(PackedPaths))]
    public void EmptyProductsClearOrKeepC(GemmPath path)
    {
        var c = new[] { 1f, 2f, 3f, 4f };
        Gemm.MultiplyOn(path, 1, false, false, 2, 2, 0, [], [], c, accumulate: true);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, c);
        Gemm.MultiplyOn(path, 1, false, false, 2, 2, 0, [], [], c);
        Assert.Equal(new float[4], c);
        c[0] = 5;
        Gemm.MultiplyOn(path, 1, true, true, 0, 2, 3, [], new float[6], c);
        Assert.Equal(5f, c[0]);
    }

    [Theory]
    [MemberData(nameof(PackedPaths))]
    public void AccumulateAddsToExistingC(GemmPath path)
    {
        // [1 2]·[5 6; 7 8] = [19 22], added to C = [100 200].
        float[] c = [100, 200];
        Gemm.MultiplyOn(path, 1, false, false, 1, 2, 2, [1, 2], [5, 6, 7, 8], c, accumulate: true);
        Assert.Equal(new[] { 119f, 222f }, c);
    }
}
