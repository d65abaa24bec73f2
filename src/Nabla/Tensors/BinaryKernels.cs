using System.Numerics.Tensors;

namespace Nabla.Tensors;

/// <summary>
/// An element-wise binary function over spans, in the three forms a broadcast run can take
/// (both operands varying, or one of them constant along the run). Implemented by structs so that the
/// generic walk in <see cref="BroadcastPlan.Apply{TKernel}"/> is specialised and inlined per kernel.
/// </summary>
internal interface IBinaryKernel
{
    static abstract void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z);
    static abstract void Apply(ReadOnlySpan<float> x, float y, Span<float> z);
    static abstract void Apply(float x, ReadOnlySpan<float> y, Span<float> z);
}

internal struct AddKernel : IBinaryKernel
{
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Add(x, y, z);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> z) => TensorPrimitives.Add(x, y, z);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Add(y, x, z);
}

internal struct SubtractKernel : IBinaryKernel
{
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Subtract(x, y, z);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> z) => TensorPrimitives.Subtract(x, y, z);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Subtract(x, y, z);
}

internal struct MultiplyKernel : IBinaryKernel
{
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Multiply(x, y, z);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> z) => TensorPrimitives.Multiply(x, y, z);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Multiply(y, x, z);
}

internal struct DivideKernel : IBinaryKernel
{
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Divide(x, y, z);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> z) => TensorPrimitives.Divide(x, y, z);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Divide(x, y, z);
}

internal struct PowKernel : IBinaryKernel
{
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Pow(x, y, z);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> z) => TensorPrimitives.Pow(x, y, z);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Pow(x, y, z);
}

/// <summary>A scalar predicate; <see cref="ComparisonKernel{T}"/> turns it into a 0/1 span kernel.</summary>
internal interface IComparison
{
    static abstract bool Test(float x, float y);
}

internal struct GreaterThan : IComparison { public static bool Test(float x, float y) => x > y; }

internal struct LessThan : IComparison { public static bool Test(float x, float y) => x < y; }

internal struct EqualTo : IComparison { public static bool Test(float x, float y) => x == y; }

internal struct NotEqualTo : IComparison { public static bool Test(float x, float y) => x != y; }

/// <summary>Writes 1 where the comparison holds and 0 elsewhere.</summary>
internal struct ComparisonKernel<T> : IBinaryKernel where T : IComparison
{
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z)
    {
        for (int i = 0; i < z.Length; i++) z[i] = T.Test(x[i], y[i]) ? 1f : 0f;
    }

    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> z)
    {
        for (int i = 0; i < z.Length; i++) z[i] = T.Test(x[i], y) ? 1f : 0f;
    }

    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> z)
    {
        for (int i = 0; i < z.Length; i++) z[i] = T.Test(x, y[i]) ? 1f : 0f;
    }
}
