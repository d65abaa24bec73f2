using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary><see cref="Shards.Plan"/>: the split of a layer's units or weight rows between the kernel threads.</summary>
public class ShardsTests
{
    [Fact]
    public void PlanSplitsWholeAlignedBlocksEvenly()
    {
        // 100 = 12 whole tiles of 8 and a ragged one: 13 blocks, 6 and 7 per thread; the ragged tile goes last.
        var split = Shards.Plan(100, threads: 2, align: 8, minLength: 16)!;
        Assert.NotNull(split);
        Assert.Equal(2, split.Count);
        Assert.Equal(100, split.Length);
        Assert.Equal((0, 48), (split.Start(0), split.End(0)));
        Assert.Equal((48, 100), (split.Start(1), split.End(1)));
    }

    [Fact]
    public void SeedLayerSplitsAsTheDenseOpUsesIt()
    {
        // The seed network's 784→128 layer on AVX-512 (MR = 8, NR = 32): units by 32-wide tiles, weight rows by 8.
        var units = Shards.Plan(128, 2, 32, 64)!;
        Assert.Equal(new[] { 0..64, 64..128 }, new[] { units[0], units[1] });
        var weightRows = Shards.Plan(784, 2, 8, 16)!;
        Assert.Equal(new[] { 0..392, 392..784 }, new[] { weightRows[0], weightRows[1] });
    }

    public static TheoryData<int, int, int, int> PlanCases()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (int length in new[] { 0, 1, 2, 7, 16, 17, 31, 32, 33, 48, 64, 65, 100, 127, 128, 129, 784, 1000 })
            foreach (int threads in new[] { 1, 2, 3, 4, 7 })
                foreach (var (align, minLength) in new[] { (1, 1), (1, 0), (8, 16), (16, 32), (32, 64), (6, 12), (4, 8), (8, 8) })
                    data.Add(length, threads, align, minLength);
        return data;
    }

    [Theory]
    [MemberData(nameof(PlanCases))]
    public void PlanIsContiguousAlignedAndCoversTheRange(int length, int threads, int align, int minLength)
    {
        var split = Shards.Plan(length, threads, align, minLength);
        int blocks = (length + align - 1) / align;
        // Two shards fit when there are two threads, two aligned blocks and room for two shards of minLength.
        bool twoFit = threads >= 2 && blocks >= 2 && length >= 2 * Math.Max(1, minLength);
        Assert.Equal(twoFit, split is not null);
        if (split is null) return;

        Assert.InRange(split.Count, 2, threads);
        Assert.Equal(length, split.Length);
        Assert.Equal(0, split.Start(0));
        Assert.Equal(length, split.End(split.Count - 1));
        for (int s = 0; s < split.Count; s++)
        {
            Assert.True(split.Start(s) < split.End(s), $"shard {s} [{split.Start(s)}, {split.End(s)}) is empty");
            Assert.Equal(split.Start(s)..split.End(s), split[s]);
            if (s > 0) Assert.Equal(split.End(s - 1), split.Start(s));
            if (s < split.Count - 1) Assert.True(split.End(s) % align == 0, $"inner bound {split.End(s)} is not a multiple of {align}");
        }
        // As many shards as threads, blocks and minLength allow: never fewer than needed.
        Assert.Equal(Math.Min(threads, Math.Min(blocks, length / Math.Max(1, minLength))), split.Count);
    }

    [Theory]
    // How DenseOp plans: minLength = 2·align (two tiles per shard), so every shard keeps at least minLength values.
    [InlineData(65, 2, 16, 32)]
    [InlineData(97, 3, 16, 32)]
    [InlineData(128, 2, 32, 64)]
    [InlineData(159, 2, 32, 64)]
    [InlineData(784, 7, 8, 16)]
    [InlineData(50, 2, 8, 16)]
    public void ShardsAreAtLeastMinLengthWhenItIsTwoTiles(int length, int threads, int align, int minLength)
    {
        var split = Shards.Plan(length, threads, align, minLength)!;
        for (int s = 0; s < split.Count; s++)
            Assert.True(split.End(s) - split.Start(s) >= minLength, $"shard {s} is {split[s]}, shorter than {minLength}");
    }

    [Fact]
    public void ShardsAreAtLeastMinLengthForAnyMinLength()
    {
        // Plan's doc promises shards "at least minLength long". 20 values, tiles of 16, minLength 10: two shards
        // fit by count (20 / 10 = 2), but the tile bound at 16 leaves the second shard 4 values long.
        var split = Shards.Plan(20, 2, 16, 10);
        if (split is null) return; // refusing to split also keeps the promise
        for (int s = 0; s < split.Count; s++)
            Assert.True(split.End(s) - split.Start(s) >= 10, $"shard {s} is {split[s]}, shorter than minLength 10");
    }

    [Fact]
    public void PlanRejectsAlignBelowOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Shards.Plan(10, 2, 0, 1));
        Assert.Equal("align", e.ParamName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(128)]
    public void OfRowsScalesEveryBoundByTheRowLength(int rowLength)
    {
        var rows = Shards.Plan(784, 3, 8, 16)!;
        var elements = rows.OfRows(rowLength);
        Assert.Equal(rows.Count, elements.Count);
        Assert.Equal(784 * rowLength, elements.Length);
        for (int s = 0; s < rows.Count; s++)
        {
            Assert.Equal(rows.Start(s) * rowLength, elements.Start(s));
            Assert.Equal(rows.End(s) * rowLength, elements.End(s));
            Assert.Equal((rows.Start(s) * rowLength)..(rows.End(s) * rowLength), elements[s]);
        }
    }

    [Fact]
    public void IndexerRangeSlicesTheShard()
    {
        var split = Shards.Plan(10, 2, 1, 1)!;
        var values = Enumerable.Range(0, 10).ToArray();
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, values[split[0]]);
        Assert.Equal(new[] { 5, 6, 7, 8, 9 }, values[split[1]]);
        Assert.Equal((5, 5), split[1].GetOffsetAndLength(10));
    }
}
