using Nabla.Kernels;
using static Nabla.Tests.TestSupport.KernelSettingsScopes;

namespace Nabla.Tests.Kernels;

/// <summary>
/// <see cref="Gemm.MultiplyBlock"/>: one thread's block of a product must hold bitwise the values
/// <see cref="Gemm.Multiply"/> computes there, and leave every other element of C alone.
/// </summary>
/// <remarks>MultiplyBlock follows <see cref="KernelSettings.ForcedPath"/>, so the class runs with the process-wide settings' tests.</remarks>
[Collection(nameof(KernelSettingsTests))]
public class GemmBlockTests
{
    public static TheoryData<GemmPath> SupportedPaths()
    {
        var data = new TheoryData<GemmPath>();
        foreach (var path in new[] { GemmPath.Avx512, GemmPath.Avx2, GemmPath.Vector, GemmPath.Reference })
            if (GemmKernels.IsSupported(path)) data.Add(path);
        return data;
    }


    /// <summary>Row or column ranges of a dimension of length <paramref name="size"/>: whole, halves, ragged, tile-unaligned.</summary>
    private static IEnumerable<Range> Ranges(int size)
    {
        yield return ..;
        yield return 0..(size / 2);
        yield return (size / 2)..size;
        yield return 1..(size - 1);
        if (size > 3) yield return 3..Math.Min(size, 20);
        yield return (size - 1)..size;
        yield return 0..1;
        if (size >= 48) yield return 16..48;
    }

    /// <summary>
    /// Checks every block for every transpose and accumulate mode against the whole product computed the
    /// way <see cref="Gemm.Multiply"/> computes it now.
    /// </summary>
    private static void CheckBlocks(int m, int n, int k, IEnumerable<(Range Rows, Range Columns)> blocks)
    {
        var blockList = blocks.ToList();
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
                foreach (bool accumulate in new[] { false, true })
                {
                    var (a, b, c0) = GemmTests.Operands(m, n, k, seed: m * 31 + n * 7 + k);
                    var whole = (float[])c0.Clone();
                    Gemm.Multiply(transA, transB, m, n, k, a, b, whole, accumulate);
                    foreach (var (rows, columns) in blockList)
                    {
                        var c = (float[])c0.Clone();
                        Gemm.MultiplyBlock(transA, transB, m, n, k, a, b, c, accumulate, rows, columns);
                        var (i0, rowCount) = rows.GetOffsetAndLength(m);
                        var (j0, columnCount) = columns.GetOffsetAndLength(n);
                        for (int i = 0; i < m; i++)
                            for (int j = 0; j < n; j++)
                            {
                                bool inside = i >= i0 && i < i0 + rowCount && j >= j0 && j < j0 + columnCount;
                                float expected = inside ? whole[i * n + j] : c0[i * n + j];
                                if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(c[i * n + j]))
                                    Assert.Fail(
                                        $"{GemmKernels.Current} m={m} n={n} k={k} transA={transA} transB={transB} accumulate={accumulate} " +
                                        $"block rows {rows} columns {columns}: C[{i},{j}] ({(inside ? "inside" : "outside")}) is " +
                                        $"{c[i * n + j]:R}, expected {expected:R}.");
                            }
                    }
                }
    }

    private static IEnumerable<(Range, Range)> RowBlocks(int m) => Ranges(m).Select(r => (r, ..));

    private static IEnumerable<(Range, Range)> ColumnBlocks(int n) => Ranges(n).Select(c => ((Range)(..), c));

    private static IEnumerable<(Range, Range)> BothBlocks(int m, int n) =>
        from r in Ranges(m) from c in Ranges(n) select (r, c);

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void RaggedBlocksByRowsColumnsAndBothMatchMultiply(GemmPath path) => WithPath(path, () =>
        CheckBlocks(37, 70, 53, RowBlocks(37).Concat(ColumnBlocks(70)).Concat(BothBlocks(37, 70))));

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void SeedLayerWeightRowHalvesMatchMultiply(GemmPath path) => WithPath(path, () =>
        // dW = xᵀ·dz of the seed's 784→128 layer at batch 128, split into weight rows 0..392 and 392..784;
        // 784 rows take several MC blocks, while a 392-row share has fewer.
        CheckBlocks(784, 128, 128, [(0..392, ..), (392..784, ..), (100..300, ..), (392..784, 64..128)]));

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void SeedLayerUnitHalvesMatchMultiply(GemmPath path) => WithPath(path, () =>
        // z = x·W of the seed's 784→128 layer at batch 128, split into units 0..64 and 64..128, and an odd batch.
        CheckBlocks(128, 128, 784, [(.., 0..64), (.., 64..128), (.., 32..96), (0..64, 64..128)]));

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void NarrowAndShortProductsMatchMultiply(GemmPath path) => WithPath(path, () =>
    {
        CheckBlocks(2, 10, 5, BothBlocks(2, 10));       // the fewest rows MultiplyBlock takes; AVX-512's narrow kernel
        CheckBlocks(300, 17, 300, RowBlocks(300));      // more rows than one MC block, k past one KC block
        CheckBlocks(5, 200, 1, ColumnBlocks(200));      // k = 1
    });

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void EmptyInnerDimensionClearsOrKeepsOnlyTheBlock(GemmPath path) => WithPath(path, () =>
        CheckBlocks(6, 9, 0, [(1..4, 2..7), (.., ..)]));

    [Fact]
    public void EmptyBlockTouchesNothing()
    {
        var (a, b, c0) = GemmTests.Operands(8, 8, 8, seed: 1);
        var c = (float[])c0.Clone();
        Gemm.MultiplyBlock(false, false, 8, 8, 8, a, b, c, false, 3..3, ..);
        Gemm.MultiplyBlock(false, false, 8, 8, 8, a, b, c, false, .., 5..5);
        Assert.Equal(c0, c);
    }

    [Fact]
    public void SingleRowIsRefusedNamingM()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.MultiplyBlock(false, false, 1, 4, 3, new float[3], new float[12], new float[4], false, .., ..));
        Assert.Equal("m", e.ParamName);
        Assert.Contains("2 rows", e.Message);
    }

    public static TheoryData<int, int, int, int> BadRanges() => new()
    {
        { 0, 9, 0, 4 },   // rows past m = 8
        { 5, 3, 0, 4 },   // rows end before start
        { 0, 8, 2, 6 },   // columns past n = 5
        { 0, 8, 4, 2 },   // columns end before start
    };

    private const int BadM = 8, BadN = 5, BadK = 3;

    private static (Exception Error, float[] C) CallWithBadRange(int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        var c = new float[BadM * BadN];
        var e = Assert.ThrowsAny<ArgumentException>(() =>
            Gemm.MultiplyBlock(false, false, BadM, BadN, BadK, new float[BadM * BadK], new float[BadK * BadN], c, false,
                rowStart..rowEnd, columnStart..columnEnd));
        return (e, c);
    }

    [Theory]
    [MemberData(nameof(BadRanges))]
    public void RangesOutsideTheMatrixAreRefusedBeforeWriting(int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        var (e, c) = CallWithBadRange(rowStart, rowEnd, columnStart, columnEnd);
        Assert.IsAssignableFrom<ArgumentOutOfRangeException>(e);
        Assert.Equal(new float[BadM * BadN], c); // nothing written
    }

    [Theory]
    [MemberData(nameof(BadRanges))]
    public void RangesOutsideTheMatrixAreRefusedNamingTheArgument(int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        var (e, _) = CallWithBadRange(rowStart, rowEnd, columnStart, columnEnd);
        bool rowsBad = rowEnd > BadM || rowEnd < rowStart;
        // A clear message names the argument, the range given and the size it must fit in.
        Assert.Equal(rowsBad ? "rows" : "columns", ((ArgumentException)e).ParamName);
        Assert.Contains(rowsBad ? $"{rowStart}..{rowEnd}" : $"{columnStart}..{columnEnd}", e.Message);
        Assert.Contains(rowsBad ? $"{BadM}" : $"{BadN}", e.Message);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void PartialProductsOverRangesOfKSumToTheWholeProduct(bool transA, bool transB)
    {
        // A dense layer split by input features sums x[:, half]·W[half, :] over two halves of k.
        const int m = 37, n = 70, k = 53;
        var a = GemmTestData.Random(1, m * k);
        var b = GemmTestData.Random(2, k * n);
        var whole = new float[m * n];
        Gemm.Reference(transA, transB, m, n, k, a, b, whole);
        var sum = new float[m * n];
        Gemm.MultiplyBlock(transA, transB, m, n, k, a, b, sum, false, .., .., ..24);
        Gemm.MultiplyBlock(transA, transB, m, n, k, a, b, sum, true, .., .., 24..);
        for (int i = 0; i < whole.Length; i++)
            Assert.True(Math.Abs(sum[i] - whole[i]) <= 1e-4f * (1 + Math.Abs(whole[i])), $"C[{i}] = {sum[i]}, whole {whole[i]}");
        // An empty range of k is an empty sum: zeros, or C unchanged when accumulating.
        var zeros = Enumerable.Repeat(5f, m * n).ToArray();
        Gemm.MultiplyBlock(transA, transB, m, n, k, a, b, zeros, false, .., .., 10..10);
        Assert.All(zeros, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void OperandTooShortIsRefusedBeforeWriting()
    {
        var c = new float[8 * 5];
        Assert.ThrowsAny<ArgumentException>(() =>
            Gemm.MultiplyBlock(false, false, 8, 5, 3, new float[8 * 3 - 1], new float[3 * 5], c, false, .., ..));
        Assert.Equal(new float[8 * 5], c);
    }
}
