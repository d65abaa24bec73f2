using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// Copies floats and tells whether all were finite, in the same pass: Predict checks each batch for
/// NaN/±Inf while loading it, instead of reading the whole data set once more beforehand. Also the check
/// alone, for values already in cache (an optimizer's freshly updated range).
/// </summary>
public static class FiniteCopy
{
    /// <summary>destination[..source.Length] = source; false when a value is NaN or ±Inf. v − v is 0 for
    /// every finite v and NaN otherwise, so the running sum of those cannot overflow into a false alarm.</summary>
    public static bool Copy(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"The destination holds {destination.Length} values, the source {source.Length}.", nameof(destination));
        ref float s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int n = source.Length, i = 0;
        bool finite = true;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var v = Vector512.LoadUnsafe(ref s, (nuint)i);
                v.StoreUnsafe(ref d, (nuint)i);
                acc += v - v;
            }
            finite = Vector512.EqualsAll(acc, Vector512<float>.Zero);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref s, (nuint)i);
                v.StoreUnsafe(ref d, (nuint)i);
                acc += v - v;
            }
            finite = Vector256.EqualsAll(acc, Vector256<float>.Zero);
        }
        float tail = 0f;
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref s, i);
            Unsafe.Add(ref d, i) = v;
            tail += v - v;
        }
        return finite && tail == 0f;
    }

    /// <summary>Whether every value is finite (no NaN, no ±Inf): a float is not finite exactly when its exponent
    /// bits are all ones. Integer AND, compare and OR keep the loop at one cycle of latency per vector, where the
    /// v − v sum of <see cref="Copy"/> would wait on each floating-point add.</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        const int Exponent = 0x7F800000;
        ref int s = ref Unsafe.As<float, int>(ref MemoryMarshal.GetReference(values));
        int n = values.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<int>.Count)
        {
            var mask = Vector512.Create(Exponent);
            var bad = Vector512<int>.Zero;
            for (; i <= n - Vector512<int>.Count; i += Vector512<int>.Count)
                bad |= Vector512.Equals(Vector512.LoadUnsafe(ref s, (nuint)i) & mask, mask);
            if (bad != Vector512<int>.Zero) return false;
        }
        if (Vector256.IsHardwareAccelerated && n - i >= Vector256<int>.Count)
        {
            var mask = Vector256.Create(Exponent);
            var bad = Vector256<int>.Zero;
            for (; i <= n - Vector256<int>.Count; i += Vector256<int>.Count)
                bad |= Vector256.Equals(Vector256.LoadUnsafe(ref s, (nuint)i) & mask, mask);
            if (bad != Vector256<int>.Zero) return false;
        }
        for (; i < n; i++)
            if ((Unsafe.Add(ref s, i) & Exponent) == Exponent) return false;
        return true;
    }
}
