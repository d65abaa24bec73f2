using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// Lowers one channels-last sample to the im2col matrix [outPositions, kd·kh·kw·channels] (row r holds the
/// window of output position r in (kz, ky, kx, channel) order, zeros where it overhangs the padding), and adds such
/// a matrix back onto an input's gradient (col2im). The column order is that of a Keras kernel [(kd,) kh, kw, in, out]
/// read as a [kd·kh·kw·in, out] matrix, so a convolution is one GEMM: im2col(x)·kernel. A 2-D geometry has depth 1:
/// its depth loop runs once, over the same cells in the same order. Both take a run of output positions (rows), so
/// that a sample too large for one buffer can be lowered a part at a time (<see cref="ColumnChunks"/>).
/// </summary>
internal static class Im2Col
{
    /// <summary>Writes rows [<paramref name="first"/>, first + <paramref name="count"/>) of the im2col matrix of
    /// sample <paramref name="x"/> into <paramref name="cols"/>.</summary>
    public static void Lower(ConvGeometry g, ReadOnlySpan<float> x, Span<float> cols, int first, int count)
    {
        int c = g.Channels, rowWidth = g.KernelWidth * c, planeWidth = g.PlanePatchSize, planeSize = g.InHeight * g.InWidth * c;
        int patch = g.PatchSize;
        var (oz, oy, ox) = OutCell(g, first);
        for (int row = 0; row < count; row++, Advance(g, ref oz, ref oy, ref ox))
        {
            var dest = cols.Slice(row * patch, patch);
            int ix0 = ox * g.StrideWidth - g.PadLeft;
            // With dilation 1 and the window inside the input horizontally, a window row is contiguous.
            bool rowInside = g.DilationWidth == 1 && ix0 >= 0 && ix0 + g.KernelWidth <= g.InWidth;
            for (int kz = 0; kz < g.KernelDepth; kz++)
            {
                var destPlane = dest.Slice(kz * planeWidth, planeWidth);
                int iz = oz * g.StrideDepth - g.PadFront + kz * g.DilationDepth;
                if ((uint)iz >= (uint)g.InDepth) { destPlane.Clear(); continue; }
                var plane = x.Slice(iz * planeSize, planeSize);
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    var destRow = destPlane.Slice(ky * rowWidth, rowWidth);
                    int iy = oy * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                    if ((uint)iy >= (uint)g.InHeight) { destRow.Clear(); continue; }
                    int rowStart = iy * g.InWidth * c;
                    if (rowInside) { plane.Slice(rowStart + ix0 * c, rowWidth).CopyTo(destRow); continue; }
                    for (int kx = 0; kx < g.KernelWidth; kx++)
                    {
                        int ix = ix0 + kx * g.DilationWidth;
                        var cell = destRow.Slice(kx * c, c);
                        if ((uint)ix >= (uint)g.InWidth) cell.Clear();
                        else plane.Slice(rowStart + ix * c, c).CopyTo(cell);
                    }
                }
            }
        }
    }

    /// <summary>Adds rows [<paramref name="first"/>, first + <paramref name="count"/>) of an im2col-shaped gradient,
    /// held in <paramref name="cols"/>, onto the input cells they were read from: <paramref name="dx"/> +=
    /// col2im(cols). Padding cells are dropped.</summary>
    public static void AddBack(ConvGeometry g, ReadOnlySpan<float> cols, Span<float> dx, int first, int count)
    {
        int c = g.Channels, rowWidth = g.KernelWidth * c, planeWidth = g.PlanePatchSize, planeSize = g.InHeight * g.InWidth * c;
        int patch = g.PatchSize;
        var (oz, oy, ox) = OutCell(g, first);
        for (int row = 0; row < count; row++, Advance(g, ref oz, ref oy, ref ox))
        {
            var src = cols.Slice(row * patch, patch);
            int ix0 = ox * g.StrideWidth - g.PadLeft;
            bool rowInside = g.DilationWidth == 1 && ix0 >= 0 && ix0 + g.KernelWidth <= g.InWidth;
            for (int kz = 0; kz < g.KernelDepth; kz++)
            {
                int iz = oz * g.StrideDepth - g.PadFront + kz * g.DilationDepth;
                if ((uint)iz >= (uint)g.InDepth) continue;
                var srcPlane = src.Slice(kz * planeWidth, planeWidth);
                var plane = dx.Slice(iz * planeSize, planeSize);
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    int iy = oy * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                    if ((uint)iy >= (uint)g.InHeight) continue;
                    var srcRow = srcPlane.Slice(ky * rowWidth, rowWidth);
                    int rowStart = iy * g.InWidth * c;
                    if (rowInside)
                    {
                        var target = plane.Slice(rowStart + ix0 * c, rowWidth);
                        TensorPrimitives.Add(target, srcRow, target);
                        continue;
                    }
                    for (int kx = 0; kx < g.KernelWidth; kx++)
                    {
                        int ix = ix0 + kx * g.DilationWidth;
                        if ((uint)ix >= (uint)g.InWidth) continue;
                        var target = plane.Slice(rowStart + ix * c, c);
                        TensorPrimitives.Add(target, srcRow.Slice(kx * c, c), target);
                    }
                }
            }
        }
    }

    /// <summary>Output position <paramref name="position"/> of a sample as (depth, row, column).</summary>
    private static (int Z, int Y, int X) OutCell(ConvGeometry g, int position)
    {
        int plane = g.OutHeight * g.OutWidth, z = position / plane, rest = position - z * plane;
        return (z, rest / g.OutWidth, rest % g.OutWidth);
    }

    /// <summary>Steps to the next output position in row-major order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Advance(ConvGeometry g, ref int z, ref int y, ref int x)
    {
        if (++x < g.OutWidth) return;
        x = 0;
        if (++y < g.OutHeight) return;
        y = 0;
        z++;
    }
}
