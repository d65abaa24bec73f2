using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>What one pass of <see cref="FeatureColumns.Sum{TTerms}"/> adds up: for the <c>T.Count</c> elements from flat
/// index <c>i</c> (at position <c>j</c> of their tile) it adds its terms into the running sums
/// <c>first[j..]</c> and <c>second[j..]</c>.</summary>
internal unsafe interface IColumnTerms
{
    void Add<T>(nint i, nint j, float* first, float* second) where T : struct, IFloatLanes<T>;
}

/// <summary>What one pass of <see cref="FeatureColumns.Map{TMap}"/> writes for the <c>T.Count</c> elements from flat index
/// <c>i</c>, at position <c>j</c> of their tile.</summary>
internal interface IColumnMap
{
    void Apply<T>(nint i, nint j) where T : struct, IFloatLanes<T>;
}

/// <summary>
/// Per-feature sums and element-wise maps over a channels-last array read as [rows, features], such as batch
/// normalization's statistics and affine map. Element i belongs to feature i mod features, so a tile of
/// <see cref="Width"/> = lcm(features, 16) consecutive values holds whole rows and every vector width divides it:
/// each pass runs over whole tiles with full vectors against per-feature values repeated across a tile
/// (<see cref="Tile"/>), with no call per row however few features there are. Sums are kept in float over
/// <see cref="TilesPerBlock"/> tiles, then added into double, so they stay accurate over a large batch.
/// One instance serves one feature count and holds its scratch sums: it is not for concurrent use.
/// </summary>
internal sealed unsafe class FeatureColumns
{
    /// <summary>Tiles summed in float before their partial sums move to double.</summary>
    internal const int TilesPerBlock = 32;

    private const int WidestLanes = 16;

    private readonly float[] partial;
    private readonly double[] totals;

    public FeatureColumns(int features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Features = features;
        Width = features / GreatestCommonDivisor(features, WidestLanes) * WidestLanes;
        partial = new float[2 * Width];
        totals = new double[2 * Width];
    }

    public int Features { get; }

    /// <summary>Values per tile: a multiple of both the feature count and every vector width.</summary>
    public int Width { get; }

    /// <summary>Writes per-feature values repeated across a tile (<paramref name="tile"/> holds <see cref="Width"/> floats).</summary>
    public void Tile(ReadOnlySpan<float> perFeature, Span<float> tile)
    {
        if (perFeature.Length != Features || tile.Length != Width)
            throw new ArgumentException($"Tiling {perFeature.Length} values into {tile.Length}: expected {Features} into {Width}.");
        for (int start = 0; start < Width; start += Features) perFeature.CopyTo(tile.Slice(start, Features));
    }

    /// <summary>Per-feature sums of the terms over the first <paramref name="length"/> elements (whole rows):
    /// <paramref name="first"/> and <paramref name="second"/> receive the two sums, one value per feature.</summary>
    public void Sum<TTerms>(TTerms terms, int length, Span<double> first, Span<double> second) where TTerms : struct, IColumnTerms
    {
        CheckRows(length);
        if (first.Length != Features || second.Length != Features)
            throw new ArgumentException($"Per-feature sums need {Features} values each, found {first.Length} and {second.Length}.");
        Array.Clear(totals);
        int tiles = length / Width;
        fixed (float* sums = partial)
        {
            for (int t0 = 0; t0 < tiles; t0 += TilesPerBlock)
            {
                Array.Clear(partial);
                int t1 = Math.Min(tiles, t0 + TilesPerBlock);
                if (Vector512.IsHardwareAccelerated) SumTiles<Lanes512, TTerms>(terms, t0, t1, sums);
                else if (Vector256.IsHardwareAccelerated) SumTiles<Lanes256, TTerms>(terms, t0, t1, sums);
                else if (Vector128.IsHardwareAccelerated) SumTiles<Lanes128, TTerms>(terms, t0, t1, sums);
                else SumTiles<Lane1, TTerms>(terms, t0, t1, sums);
                Flush();
            }
            // The last rows fill less than a tile; they start at a tile's first position, feature 0.
            nint rest = (nint)tiles * Width;
            if (rest < length)
            {
                Array.Clear(partial);
                for (nint i = rest; i < length; i++) terms.Add<Lane1>(i, i - rest, sums, sums + Width);
                Flush();
            }
        }
        first.Clear();
        second.Clear();
        for (int j = 0; j < Width; j++)
        {
            first[j % Features] += totals[j];
            second[j % Features] += totals[Width + j];
        }
    }

    /// <summary>Applies the map to the first <paramref name="length"/> elements (whole rows).</summary>
    public void Map<TMap>(TMap map, int length) where TMap : struct, IColumnMap
    {
        CheckRows(length);
        int tiles = length / Width;
        if (Vector512.IsHardwareAccelerated) MapTiles<Lanes512, TMap>(map, tiles);
        else if (Vector256.IsHardwareAccelerated) MapTiles<Lanes256, TMap>(map, tiles);
        else if (Vector128.IsHardwareAccelerated) MapTiles<Lanes128, TMap>(map, tiles);
        else MapTiles<Lane1, TMap>(map, tiles);
        nint rest = (nint)tiles * Width;
        for (nint i = rest; i < length; i++) map.Apply<Lane1>(i, i - rest);
    }

    private static int GreatestCommonDivisor(int a, int b) => b == 0 ? a : GreatestCommonDivisor(b, a % b);

    private void CheckRows(int length)
    {
        if (length < 0 || length % Features != 0)
            throw new ArgumentException($"{length} values do not split into rows of {Features} features.", nameof(length));
    }

    private void Flush()
    {
        for (int j = 0; j < partial.Length; j++) totals[j] += partial[j];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SumTiles<T, TTerms>(TTerms terms, int t0, int t1, float* sums)
        where T : struct, IFloatLanes<T> where TTerms : struct, IColumnTerms
    {
        int width = Width;
        float* second = sums + width;
        for (int t = t0; t < t1; t++)
        {
            nint start = (nint)t * width;
            for (int j = 0; j < width; j += T.Count) terms.Add<T>(start + j, j, sums, second);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MapTiles<T, TMap>(TMap map, int tiles) where T : struct, IFloatLanes<T> where TMap : struct, IColumnMap
    {
        int width = Width;
        for (int t = 0; t < tiles; t++)
        {
            nint start = (nint)t * width;
            for (int j = 0; j < width; j += T.Count) map.Apply<T>(start + j, j);
        }
    }
}
