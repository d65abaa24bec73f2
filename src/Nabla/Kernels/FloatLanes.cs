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
    static abstract TSelf Exp(TSelf x);
    static abstract TSelf Abs(TSelf x);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Exp(Lanes512 x) => new(Vector512.Exp(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Abs(Lanes512 x) => new(Vector512.Abs(x.v));
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Exp(Lanes256 x) => new(Vector256.Exp(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Abs(Lanes256 x) => new(Vector256.Abs(x.v));
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Exp(Lanes128 x) => new(Vector128.Exp(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Abs(Lanes128 x) => new(Vector128.Abs(x.v));
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Exp(Lane1 x) => new(MathF.Exp(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Abs(Lane1 x) => new(MathF.Abs(x.v));
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
    /// <summary>1 / (1 + e⁻ˣ), the formula of TensorPrimitives.Sigmoid: e⁻ˣ overflows to +∞ for very negative x, giving 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid<T>(T x) where T : struct, IFloatLanes<T> => T.Create(1f) / (T.Create(1f) + T.Exp(-x));

    /// <summary>tanh x = sign(x)·(1 − e^(−2|x|)) / (1 + e^(−2|x|)): e^(−2|x|) ≤ 1 never overflows, and large |x| gives ±1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh<T>(T x) where T : struct, IFloatLanes<T>
    {
        var e = T.Exp(T.Create(-2f) * T.Abs(x));
        return T.CopySign((T.Create(1f) - e) / (T.Create(1f) + e), x);
    }
}
