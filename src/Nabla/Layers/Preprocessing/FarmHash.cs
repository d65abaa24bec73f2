using System.Buffers.Binary;
using System.Numerics;

namespace Nabla.Layers;

/// <summary>
/// FarmHash's <c>Fingerprint64</c> (farmhashna::Hash64, github.com/google/farmhash), which TensorFlow's
/// <c>tf.strings.to_hash_bucket_fast</c> takes modulo the bucket count: how Keras's StringLookup spreads unknown strings
/// over several OOV indices (index_lookup.py). Written from the algorithm's description; checked against the published
/// Fingerprint64 values of tecnickcom/farmhash64 (python/tests/test_farmhash64.py) for every length branch.
/// </summary>
internal static class FarmHash
{
    private const ulong K0 = 0xc3a5c85c97cb3127UL;
    private const ulong K1 = 0xb492b66fbe98f273UL;
    private const ulong K2 = 0x9ae16a3b2f90404fUL;

    /// <summary>TensorFlow's to_hash_bucket_fast of a string (its UTF-8 bytes).</summary>
    public static int Bucket(string value, int buckets) =>
        (int)(Fingerprint64(System.Text.Encoding.UTF8.GetBytes(value)) % (ulong)buckets);

    public static ulong Fingerprint64(ReadOnlySpan<byte> s)
    {
        int len = s.Length;
        if (len <= 16) return Len0To16(s);
        if (len <= 32) return Len17To32(s);
        if (len <= 64) return Len33To64(s);
        return LongHash(s);
    }

    private static ulong F64(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt64LittleEndian(s[at..]);

    private static ulong F32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);

    private static ulong Rot(ulong v, int shift) => BitOperations.RotateRight(v, shift);

    private static ulong ShiftMix(ulong v) => v ^ (v >> 47);

    private static ulong Len16(ulong u, ulong v, ulong mul)
    {
        ulong a = ShiftMix((u ^ v) * mul);
        ulong b = ShiftMix((v ^ a) * mul);
        return b * mul;
    }

    private static ulong Len0To16(ReadOnlySpan<byte> s)
    {
        int len = s.Length;
        ulong mul = K2 + (ulong)len * 2;
        if (len >= 8)
        {
            ulong a = F64(s, 0) + K2, b = F64(s, len - 8);
            return Len16(Rot(b, 37) * mul + a, (Rot(a, 25) + b) * mul, mul);
        }
        if (len >= 4) return Len16((ulong)len + (F32(s, 0) << 3), F32(s, len - 4), mul);
        if (len == 0) return K2;
        uint y = s[0] + ((uint)s[len >> 1] << 8);
        uint z = (uint)len + ((uint)s[len - 1] << 2);
        return ShiftMix(y * K2 ^ z * K0) * K2;
    }

    private static ulong Len17To32(ReadOnlySpan<byte> s)
    {
        int len = s.Length;
        ulong mul = K2 + (ulong)len * 2;
        ulong a = F64(s, 0) * K1, b = F64(s, 8), c = F64(s, len - 8) * mul, d = F64(s, len - 16) * K2;
        return Len16(Rot(a + b, 43) + Rot(c, 30) + d, a + Rot(b + K2, 18) + c, mul);
    }

    private static ulong Len33To64(ReadOnlySpan<byte> s)
    {
        int len = s.Length;
        ulong mul = K2 + (ulong)len * 2;
        ulong a = F64(s, 0) * K2, b = F64(s, 8), c = F64(s, len - 8) * mul, d = F64(s, len - 16) * K2;
        ulong y = Rot(a + b, 43) + Rot(c, 30) + d;
        ulong z = Len16(y, a + Rot(b + K2, 18) + c, mul);
        ulong e = F64(s, 16) * mul, f = F64(s, 24);
        ulong g = (y + F64(s, len - 32)) * mul, h = (z + F64(s, len - 24)) * mul;
        return Len16(Rot(e + f, 43) + Rot(g, 30) + h, e + Rot(f + a, 18) + g, mul);
    }

    /// <summary>The weak 32-byte mix of the long hash: two 64-bit seeds in, two out.</summary>
    private static (ulong, ulong) Weak32(ReadOnlySpan<byte> s, int at, ulong a, ulong b)
    {
        ulong w = F64(s, at), x = F64(s, at + 8), y = F64(s, at + 16), z = F64(s, at + 24);
        a += w;
        b = Rot(b + a + z, 21);
        ulong c = a;
        a += x + y;
        b += Rot(a, 44);
        return (a + z, b + c);
    }

    private static ulong LongHash(ReadOnlySpan<byte> s)
    {
        int len = s.Length;
        ulong seed = 81;
        ulong x = seed * K2 + F64(s, 0), y = seed * K1 + 113, z = ShiftMix(y * K2 + 113) * K2;
        (ulong v1, ulong v2) = (0, 0);
        (ulong w1, ulong w2) = (0, 0);
        int end = (len - 1) / 64 * 64, last64 = end + ((len - 1) & 63) - 63;
        for (int at = 0; at != end; at += 64)
        {
            x = Rot(x + y + v1 + F64(s, at + 8), 37) * K1;
            y = Rot(y + v2 + F64(s, at + 48), 42) * K1;
            x ^= w2;
            y += v1 + F64(s, at + 40);
            z = Rot(z + w1, 33) * K1;
            (v1, v2) = Weak32(s, at, v2 * K1, x + w1);
            (w1, w2) = Weak32(s, at + 32, z + w2, y + F64(s, at + 16));
            (z, x) = (x, z);
        }
        ulong mul = K1 + ((z & 0xff) << 1);
        w1 += (ulong)((len - 1) & 63);
        v1 += w1;
        w1 += v1;
        x = Rot(x + y + v1 + F64(s, last64 + 8), 37) * mul;
        y = Rot(y + v2 + F64(s, last64 + 48), 42) * mul;
        x ^= w2 * 9;
        y += v1 * 9 + F64(s, last64 + 40);
        z = Rot(z + w1, 33) * mul;
        (v1, v2) = Weak32(s, last64, v2 * mul, x + w1);
        (w1, w2) = Weak32(s, last64 + 32, z + w2, y + F64(s, last64 + 16));
        (z, x) = (x, z);
        return Len16(Len16(v1, w1, mul) + ShiftMix(y) * K0 + z, Len16(v2, w2, mul) + x, mul);
    }
}
