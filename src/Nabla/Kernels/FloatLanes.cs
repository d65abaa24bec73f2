using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// One register of floats, Vector512, Vector256, Vector128 or a single float, behind the same static members, so an
/// element-wise kernel is written once and instantiated for every width (each instantiation is its own machine
/// code; the wrappers cost nothing once inlined). <see cref="LaneMath"/> holds the functions built on them.
/// </summary>
internal unsafe interface IFloatLanes<TSelf> where TSelf : struct, IFloatLanes<TSelf>
{
    static abstract int Count { get; }
    static abstract bool IsAccelerated { get; }
    static abstract TSelf Load(float* source);
    static abstract TSelf Create(float value);
    static abstract TSelf Abs(TSelf x);
    static abstract TSelf Min(TSelf a, TSelf b);
    static abstract TSelf Max(TSelf a, TSelf b);
    /// <summary>Rounds to the nearest integer, ties to even.</summary>
    static abstract TSelf Round(TSelf x);
    /// <summary>a·b + c, fused where the hardware has FMA.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);
    /// <summary>2ⁿ for integral n in [−126, 128] (2¹²⁸ is +∞), built in the exponent field.</summary>
    static abstract TSelf PowerOfTwo(TSelf n);
    static abstract TSelf CopySign(TSelf value, TSelf sign);
    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a);
    void Store(float* target);
}

internal readonly unsafe struct Lanes512(Vector512<float> v) : IFloatLanes<Lanes512>
{
    private readonly Vector512<float> v = v;
    public static int Count => Vector512<float>.Count;
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Load(float* source) => new(Vector512.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Create(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Abs(Lanes512 x) => new(Vector512.Abs(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Min(Lanes512 a, Lanes512 b) => new(Vector512.Min(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Max(Lanes512 a, Lanes512 b) => new(Vector512.Max(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Round(Lanes512 x) => new(Vector512.Round(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 MultiplyAdd(Lanes512 a, Lanes512 b, Lanes512 c) => new(Vector512.MultiplyAddEstimate(a.v, b.v, c.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 PowerOfTwo(Lanes512 n) =>
        new(Vector512.ShiftLeft(Vector512.ConvertToInt32(n.v) + Vector512.Create(127), 23).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 CopySign(Lanes512 value, Lanes512 sign) => new(Vector512.CopySign(value.v, sign.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator +(Lanes512 a, Lanes512 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator -(Lanes512 a, Lanes512 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator *(Lanes512 a, Lanes512 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator /(Lanes512 a, Lanes512 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator -(Lanes512 a) => new(-a.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* target) => v.Store(target);
}

internal readonly unsafe struct Lanes256(Vector256<float> v) : IFloatLanes<Lanes256>
{
    private readonly Vector256<float> v = v;
    public static int Count => Vector256<float>.Count;
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Load(float* source) => new(Vector256.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Create(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Abs(Lanes256 x) => new(Vector256.Abs(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Min(Lanes256 a, Lanes256 b) => new(Vector256.Min(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Max(Lanes256 a, Lanes256 b) => new(Vector256.Max(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Round(Lanes256 x) => new(Vector256.Round(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 MultiplyAdd(Lanes256 a, Lanes256 b, Lanes256 c) => new(Vector256.MultiplyAddEstimate(a.v, b.v, c.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 PowerOfTwo(Lanes256 n) =>
        new(Vector256.ShiftLeft(Vector256.ConvertToInt32(n.v) + Vector256.Create(127), 23).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 CopySign(Lanes256 value, Lanes256 sign) => new(Vector256.CopySign(value.v, sign.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator +(Lanes256 a, Lanes256 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator -(Lanes256 a, Lanes256 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator *(Lanes256 a, Lanes256 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator /(Lanes256 a, Lanes256 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator -(Lanes256 a) => new(-a.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* target) => v.Store(target);
}

internal readonly unsafe struct Lanes128(Vector128<float> v) : IFloatLanes<Lanes128>
{
    private readonly Vector128<float> v = v;
    public static int Count => Vector128<float>.Count;
    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Load(float* source) => new(Vector128.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Create(float value) => new(Vector128.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Abs(Lanes128 x) => new(Vector128.Abs(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Min(Lanes128 a, Lanes128 b) => new(Vector128.Min(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Max(Lanes128 a, Lanes128 b) => new(Vector128.Max(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Round(Lanes128 x) => new(Vector128.Round(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 MultiplyAdd(Lanes128 a, Lanes128 b, Lanes128 c) => new(Vector128.MultiplyAddEstimate(a.v, b.v, c.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 PowerOfTwo(Lanes128 n) =>
        new(Vector128.ShiftLeft(Vector128.ConvertToInt32(n.v) + Vector128.Create(127), 23).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 CopySign(Lanes128 value, Lanes128 sign) => new(Vector128.CopySign(value.v, sign.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator +(Lanes128 a, Lanes128 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator -(Lanes128 a, Lanes128 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator *(Lanes128 a, Lanes128 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator /(Lanes128 a, Lanes128 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator -(Lanes128 a) => new(-a.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* target) => v.Store(target);
}

/// <summary>The scalar tail: one float.</summary>
internal readonly unsafe struct Lane1(float v) : IFloatLanes<Lane1>
{
    private readonly float v = v;
    public static int Count => 1;
    public static bool IsAccelerated => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Load(float* source) => new(*source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Create(float value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Abs(Lane1 x) => new(MathF.Abs(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Min(Lane1 a, Lane1 b) => new(MathF.Min(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Max(Lane1 a, Lane1 b) => new(MathF.Max(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Round(Lane1 x) => new(MathF.Round(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 MultiplyAdd(Lane1 a, Lane1 b, Lane1 c) => new(MathF.FusedMultiplyAdd(a.v, b.v, c.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 PowerOfTwo(Lane1 n) =>
        new(BitConverter.Int32BitsToSingle(((int)n.v + 127) << 23));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 CopySign(Lane1 value, Lane1 sign) => new(MathF.CopySign(value.v, sign.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator +(Lane1 a, Lane1 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator -(Lane1 a, Lane1 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator *(Lane1 a, Lane1 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator /(Lane1 a, Lane1 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator -(Lane1 a) => new(-a.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* target) => *target = v;
}

/// <summary>Functions on <see cref="IFloatLanes{TSelf}"/>, written once for every width.</summary>
internal static class LaneMath
{
    /// <summary>
    /// eˣ for the gate functions: x is clamped to [−87.3, 89] (below, eˣ stays the smallest normal floats' size, where
    /// sigmoid and tanh are already 0, 1 or ±1 in float; above, 2ⁿ = 2¹²⁸ is +∞ as eˣ should be, a little early near
    /// the largest float), then eˣ = 2ⁿ·e^r with n = round(x / ln 2) and
    /// r = x − n·ln 2 (ln 2 in two parts, Cody and Waite), e^r by Cephes's degree-7 polynomial on |r| ≤ ln 2 / 2.
    /// All in float: the library's Exp widens to double, twice the work for what a gate needs. NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp<T>(T x) where T : struct, IFloatLanes<T>
    {
        x = T.Min(T.Max(x, T.Create(-87.3f)), T.Create(89f));
        var n = T.Round(x * T.Create(1.44269504f));
        var r = T.MultiplyAdd(n, T.Create(-0.693359375f), x);
        r = T.MultiplyAdd(n, T.Create(2.12194440e-4f), r);
        var p = T.MultiplyAdd(T.Create(1.9875691500e-4f), r, T.Create(1.3981999507e-3f));
        p = T.MultiplyAdd(p, r, T.Create(8.3334519073e-3f));
        p = T.MultiplyAdd(p, r, T.Create(4.1665795894e-2f));
        p = T.MultiplyAdd(p, r, T.Create(1.6666665459e-1f));
        p = T.MultiplyAdd(p, r, T.Create(5.0000001201e-1f));
        p = T.MultiplyAdd(p * r, r, r) + T.Create(1f);
        return p * T.PowerOfTwo(n);
    }

    /// <summary>1 / (1 + e⁻ˣ), the formula of TensorPrimitives.Sigmoid.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid<T>(T x) where T : struct, IFloatLanes<T> => T.Create(1f) / (T.Create(1f) + Exp(-x));

    /// <summary>tanh x = sign(x)·(1 − e^(−2|x|)) / (1 + e^(−2|x|)): large |x| gives ±1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh<T>(T x) where T : struct, IFloatLanes<T>
    {
        var e = Exp(T.Create(-2f) * T.Abs(x));
        return T.CopySign((T.Create(1f) - e) / (T.Create(1f) + e), x);
    }
}

/// <summary>A pass over the columns of one row, written once for every lane width.</summary>
internal interface ILanePass<TState>
{
    /// <summary>Processes the columns of <paramref name="row"/> from <paramref name="from"/> while a whole register
    /// fits, and returns where it stopped.</summary>
    static abstract int Columns<T>(in TState state, int row, int from) where T : struct, IFloatLanes<T>;
}

/// <summary>Runs an <see cref="ILanePass{TState}"/> over rows with the widest registers the CPU has, then narrower
/// ones, then one float at a time for the tail.</summary>
internal static class LaneRows
{
    public static void Run<TPass, TState>(in TState state, int firstRow, int endRow) where TPass : ILanePass<TState>
    {
        for (int row = firstRow; row < endRow; row++)
        {
            int column = 0;
            if (Lanes512.IsAccelerated) column = TPass.Columns<Lanes512>(state, row, column);
            if (Lanes256.IsAccelerated) column = TPass.Columns<Lanes256>(state, row, column);
            if (Lanes128.IsAccelerated) column = TPass.Columns<Lanes128>(state, row, column);
            TPass.Columns<Lane1>(state, row, column);
        }
    }
}
