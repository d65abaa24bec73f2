using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Activations;

/// <summary>An element-wise function of two floats written once per vector width, for <see cref="VectorMap"/>; a struct,
/// so its fields (an activation's parameter) reach the loop as constants of the specialized code.</summary>
internal interface IVectorFunction2
{
    Vector512<float> Apply(Vector512<float> a, Vector512<float> b);
    Vector256<float> Apply(Vector256<float> a, Vector256<float> b);
    Vector128<float> Apply(Vector128<float> a, Vector128<float> b);
    float Apply(float a, float b);
}

/// <summary>Runs an <see cref="IVectorFunction2"/> over spans with the widest vectors the CPU has
/// (512, then 256, then 128 bits) and a scalar tail. Used by the hot activation derivatives.</summary>
internal static class VectorMap
{
    public static void Apply<TFunction>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> result, TFunction function = default)
        where TFunction : struct, IVectorFunction2
    {
        int n = result.Length;
        if (a.Length < n || b.Length < n)
            throw new ArgumentException($"VectorMap: inputs of lengths {a.Length} and {b.Length} are shorter than the result ({n}).");
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rr = ref MemoryMarshal.GetReference(result);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                function.Apply(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i))
                    .StoreUnsafe(ref rr, (nuint)i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                function.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i))
                    .StoreUnsafe(ref rr, (nuint)i);
        if (Vector128.IsHardwareAccelerated)
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                function.Apply(Vector128.LoadUnsafe(ref ra, (nuint)i), Vector128.LoadUnsafe(ref rb, (nuint)i))
                    .StoreUnsafe(ref rr, (nuint)i);
        for (; i < n; i++)
            Unsafe.Add(ref rr, i) = function.Apply(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i));
    }
}
