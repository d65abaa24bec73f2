using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Optimizers;

/// <summary>
/// A group of float lanes processed together: 16 (AVX-512), 8, 4, or a single scalar. Each optimizer writes
/// its update formula once, generically over this interface; the JIT specializes the formula for every
/// width (the implementations are structs), so the Vector512/256/128 loops and the scalar tail all run the
/// same arithmetic in the same order with no virtual calls.
/// </summary>
internal interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
{
    static abstract int Count { get; }

    /// <summary>Reads <see cref="Count"/> floats at <paramref name="index"/>. The caller guarantees they exist.</summary>
    static abstract TSelf Load(float[] array, int index);

    /// <summary>
    /// Writes the lanes, flushing subnormal values to zero (NaN and ±∞ are kept). A weight whose gradient
    /// stays 0 (a dead ReLU unit, an always-black pixel) has moments that decay geometrically into the
    /// subnormal range, where x86 arithmetic takes a slow microcoded path: Adam over 101,770 values went
    /// from 25 µs to 65 µs per step with subnormal moments. TensorFlow's CPU kernels flush subnormals to
    /// zero as well (ScopedFlushDenormal), so this matches what Keras computes.
    /// </summary>
    void Store(float[] array, int index);

    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, float b);
    static abstract TSelf operator +(TSelf a, float b);

    static abstract TSelf Sqrt(TSelf x);
    static abstract TSelf Abs(TSelf x);

    /// <summary>−1, 0 or 1 by the sign of x (0 for ±0), NaN for NaN: TensorFlow's and NumPy's <c>sign</c>, which Lion uses.</summary>
    static abstract TSelf Sign(TSelf x);

    /// <summary>x^y for x ≥ 0 and y &gt; 0, as exp(y·ln x) (0 at x = 0), the same vectorized exp and log at every
    /// width so that the scalar tail equals the vector lanes. Ftrl's learning_rate_power.</summary>
    static abstract TSelf Pow(TSelf x, float y);

    /// <summary>IEEE 754 maximum/minimum: a NaN in either argument gives NaN (as MathF.Max and TensorFlow do).</summary>
    static abstract TSelf Max(TSelf a, TSelf b);
    static abstract TSelf Min(TSelf a, TSelf b);

    static abstract TSelf Broadcast(float value);

    /// <summary>x², but 0 where x² would be subnormal (|x| &lt; 2⁻⁶³), as flush-to-zero arithmetic gives,
    /// without the slow multiply: saturated layers send gradients of 1e-20 and below.</summary>
    static abstract TSelf SquareFlushed(TSelf x);
}

internal static class LaneConstants
{
    /// <summary>The smallest positive normal float, 2⁻¹²⁶; magnitudes below it are subnormal.</summary>
    public const float SmallestNormal = 1.17549435e-38f;

    /// <summary>2⁻⁶³: a value below it in magnitude has a subnormal square.</summary>
    public const float SmallestNormalSquareRoot = 1.08420217e-19f;
}

internal readonly struct Lanes512 : ILanes<Lanes512>
{
    private readonly Vector512<float> v;
    private Lanes512(Vector512<float> v) => this.v = v;

    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Load(float[] array, int index) =>
        new(Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float[] array, int index) =>
        Vector512.AndNot(v, Vector512.LessThan(Vector512.Abs(v), Vector512.Create(LaneConstants.SmallestNormal)))
            .StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator +(Lanes512 a, Lanes512 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator -(Lanes512 a, Lanes512 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator *(Lanes512 a, Lanes512 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator /(Lanes512 a, Lanes512 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator *(Lanes512 a, float b) => new(a.v * b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator +(Lanes512 a, float b) => new(a.v + Vector512.Create(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Sqrt(Lanes512 x) => new(Vector512.Sqrt(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Abs(Lanes512 x) => new(Vector512.Abs(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Pow(Lanes512 x, float y) => new(Vector512.Exp(Vector512.Log(x.v) * y));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Sign(Lanes512 x)
    {
        var one = Vector512.Create(1f);
        var sign = (Vector512.GreaterThan(x.v, Vector512<float>.Zero) & one) - (Vector512.LessThan(x.v, Vector512<float>.Zero) & one);
        return new(Vector512.ConditionalSelect(Vector512.Equals(x.v, x.v), sign, x.v));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Max(Lanes512 a, Lanes512 b) => new(Vector512.Max(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Min(Lanes512 a, Lanes512 b) => new(Vector512.Min(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Broadcast(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 SquareFlushed(Lanes512 x)
    {
        var kept = Vector512.AndNot(x.v, Vector512.LessThan(Vector512.Abs(x.v), Vector512.Create(LaneConstants.SmallestNormalSquareRoot)));
        return new(kept * kept);
    }
}

internal readonly struct Lanes256 : ILanes<Lanes256>
{
    private readonly Vector256<float> v;
    private Lanes256(Vector256<float> v) => this.v = v;

    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(float[] array, int index) =>
        new(Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float[] array, int index) =>
        Vector256.AndNot(v, Vector256.LessThan(Vector256.Abs(v), Vector256.Create(LaneConstants.SmallestNormal)))
            .StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator +(Lanes256 a, Lanes256 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator -(Lanes256 a, Lanes256 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator *(Lanes256 a, Lanes256 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator /(Lanes256 a, Lanes256 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator *(Lanes256 a, float b) => new(a.v * b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator +(Lanes256 a, float b) => new(a.v + Vector256.Create(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Sqrt(Lanes256 x) => new(Vector256.Sqrt(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Abs(Lanes256 x) => new(Vector256.Abs(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Pow(Lanes256 x, float y) => new(Vector256.Exp(Vector256.Log(x.v) * y));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Sign(Lanes256 x)
    {
        var one = Vector256.Create(1f);
        var sign = (Vector256.GreaterThan(x.v, Vector256<float>.Zero) & one) - (Vector256.LessThan(x.v, Vector256<float>.Zero) & one);
        return new(Vector256.ConditionalSelect(Vector256.Equals(x.v, x.v), sign, x.v));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Max(Lanes256 a, Lanes256 b) => new(Vector256.Max(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Min(Lanes256 a, Lanes256 b) => new(Vector256.Min(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Broadcast(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 SquareFlushed(Lanes256 x)
    {
        var kept = Vector256.AndNot(x.v, Vector256.LessThan(Vector256.Abs(x.v), Vector256.Create(LaneConstants.SmallestNormalSquareRoot)));
        return new(kept * kept);
    }
}

internal readonly struct Lanes128 : ILanes<Lanes128>
{
    private readonly Vector128<float> v;
    private Lanes128(Vector128<float> v) => this.v = v;

    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Load(float[] array, int index) =>
        new(Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float[] array, int index) =>
        Vector128.AndNot(v, Vector128.LessThan(Vector128.Abs(v), Vector128.Create(LaneConstants.SmallestNormal)))
            .StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator +(Lanes128 a, Lanes128 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator -(Lanes128 a, Lanes128 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator *(Lanes128 a, Lanes128 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator /(Lanes128 a, Lanes128 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator *(Lanes128 a, float b) => new(a.v * b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator +(Lanes128 a, float b) => new(a.v + Vector128.Create(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Sqrt(Lanes128 x) => new(Vector128.Sqrt(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Abs(Lanes128 x) => new(Vector128.Abs(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Pow(Lanes128 x, float y) => new(Vector128.Exp(Vector128.Log(x.v) * y));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Sign(Lanes128 x)
    {
        var one = Vector128.Create(1f);
        var sign = (Vector128.GreaterThan(x.v, Vector128<float>.Zero) & one) - (Vector128.LessThan(x.v, Vector128<float>.Zero) & one);
        return new(Vector128.ConditionalSelect(Vector128.Equals(x.v, x.v), sign, x.v));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Max(Lanes128 a, Lanes128 b) => new(Vector128.Max(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Min(Lanes128 a, Lanes128 b) => new(Vector128.Min(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Broadcast(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 SquareFlushed(Lanes128 x)
    {
        var kept = Vector128.AndNot(x.v, Vector128.LessThan(Vector128.Abs(x.v), Vector128.Create(LaneConstants.SmallestNormalSquareRoot)));
        return new(kept * kept);
    }
}

/// <summary>One float: the scalar tail after the widest vector loops, and the path on hardware without SIMD.</summary>
internal readonly struct Lane1 : ILanes<Lane1>
{
    private readonly float v;
    private Lane1(float v) => this.v = v;

    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Load(float[] array, int index) => new(array[index]);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float[] array, int index) => array[index] = MathF.Abs(v) < LaneConstants.SmallestNormal ? 0f : v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 operator +(Lane1 a, Lane1 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 operator -(Lane1 a, Lane1 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 operator *(Lane1 a, Lane1 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 operator /(Lane1 a, Lane1 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 operator *(Lane1 a, float b) => new(a.v * b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 operator +(Lane1 a, float b) => new(a.v + b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Sqrt(Lane1 x) => new(MathF.Sqrt(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Abs(Lane1 x) => new(MathF.Abs(x.v));
    // Vector128's exp and log rather than MathF.Pow, so that the tail computes as the vector lanes do.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Pow(Lane1 x, float y) =>
        new(Vector128.Exp(Vector128.Log(Vector128.CreateScalar(x.v)) * y).ToScalar());
    // Not MathF.Sign, which throws on NaN.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Sign(Lane1 x) => new(x.v > 0 ? 1f : x.v < 0 ? -1f : x.v == 0 ? 0f : x.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Max(Lane1 a, Lane1 b) => new(MathF.Max(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Min(Lane1 a, Lane1 b) => new(MathF.Min(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Broadcast(float value) => new(value);

    public static Lane1 SquareFlushed(Lane1 x) =>
        new(MathF.Abs(x.v) < LaneConstants.SmallestNormalSquareRoot ? 0f : x.v * x.v);
}
