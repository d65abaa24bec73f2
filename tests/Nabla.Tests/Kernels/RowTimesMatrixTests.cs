using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>The single-row path gives bitwise what the packed driver gives for the same row inside a batch,
/// so Predict's outputs do not depend on the batch size.</summary>
public class RowTimesMatrixTests
{
    public static TheoryData<int, int> Sizes => new()
    {
        { 10, 128 }, { 128, 784 }, { 16, 3 }, { 64, 1 }, { 200, 300 }, { 33, 257 }, { 7, 5 }, { 100, 1000 },
    };

    [GemmPathTheory(GemmPath.Avx512)]
    [MemberData(nameof(Sizes))]
    public void Avx512RowEqualsItsRowInABatch(int n, int k) => Check(GemmPath.Avx512, n, k);

    [GemmPathTheory(GemmPath.Avx2)]
    [MemberData(nameof(Sizes))]
    public void Avx2RowEqualsItsRowInABatch(int n, int k) => Check(GemmPath.Avx2, n, k);

    private static void Check(GemmPath path, int n, int k)
    {
        const int rows = 9, row = 4;
        foreach (bool accumulate in new[] { false, true })
            foreach (bool transA in new[] { false, true })
            {
                var (a, b, c0) = GemmTests.Operands(rows, n, k, seed: n * 31 + k);
                var batch = (float[])c0.Clone();
                Gemm.MultiplyOn(path, 1, transA, false, rows, n, k, a, b, batch, accumulate);
                // The same row on its own: A's row (a column of the stored k×rows matrix when transposed).
                var single = new float[k];
                for (int p = 0; p < k; p++) single[p] = transA ? a[p * rows + row] : a[row * k + p];
                var c = c0.AsSpan(row * n, n).ToArray();
                Gemm.MultiplyOn(path, 1, transA, false, 1, n, k, single, b, c, accumulate);
                for (int j = 0; j < n; j++)
                    Assert.True(BitConverter.SingleToInt32Bits(batch[row * n + j]) == BitConverter.SingleToInt32Bits(c[j]),
                        $"{path} n={n} k={k} accumulate={accumulate} transA={transA} column {j}: batch {batch[row * n + j]:R}, single row {c[j]:R}");
            }
    }
}
