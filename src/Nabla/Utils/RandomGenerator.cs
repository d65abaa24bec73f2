namespace Nabla;

/// <summary>
/// A seedable xoshiro256** generator. Nabla uses its own generator rather than <see cref="System.Random"/>
/// so that a seed gives the same weights on every .NET version and machine.
/// </summary>
public sealed class RandomGenerator
{
    private ulong s0, s1, s2, s3;
    private double spareNormal;
    private bool hasSpareNormal;

    public RandomGenerator(long seed)
    {
        // SplitMix64 spreads a small seed over the whole 256-bit state, as xoshiro's authors recommend.
        ulong x = unchecked((ulong)seed);
        s0 = SplitMix(ref x); s1 = SplitMix(ref x); s2 = SplitMix(ref x); s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = unchecked(x += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>An independent generator in exactly this one's state.</summary>
    public RandomGenerator Clone() => (RandomGenerator)MemberwiseClone();

    /// <summary>Puts this generator back into <paramref name="other"/>'s state.</summary>
    internal void CopyStateFrom(RandomGenerator other)
    {
        (s0, s1, s2, s3) = (other.s0, other.s1, other.s2, other.s3);
        (spareNormal, hasSpareNormal) = (other.spareNormal, other.hasSpareNormal);
    }

    /// <summary>The whole state as text (for training backups): four state words and the spare normal, in hex.</summary>
    internal string SaveState() =>
        $"{s0:x16} {s1:x16} {s2:x16} {s3:x16} {(hasSpareNormal ? BitConverter.DoubleToInt64Bits(spareNormal).ToString("x16") : "-")}";

    /// <summary>Restores a state written by <see cref="SaveState"/>; false (and no change) when the text is not one.</summary>
    internal bool TryRestoreState(string text)
    {
        var parts = text.Split(' ');
        if (parts.Length != 5) return false;
        var words = new ulong[4];
        for (int i = 0; i < 4; i++)
            if (!ulong.TryParse(parts[i], System.Globalization.NumberStyles.AllowHexSpecifier, null, out words[i])) return false;
        long spare = 0;
        if (parts[4] != "-" && !long.TryParse(parts[4], System.Globalization.NumberStyles.AllowHexSpecifier, null, out spare)) return false;
        (s0, s1, s2, s3) = (words[0], words[1], words[2], words[3]);
        hasSpareNormal = parts[4] != "-";
        spareNormal = hasSpareNormal ? BitConverter.Int64BitsToDouble(spare) : 0;
        return true;
    }

    public ulong NextUInt64()
    {
        ulong result = unchecked(ulong.RotateLeft(s1 * 5, 7) * 9);
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>
    /// Fills a dropout mask: each entry is 0 where a fresh <see cref="NextDouble"/> falls below <paramref name="rate"/>,
    /// else <paramref name="keep"/>. It draws exactly the numbers that many NextDouble calls would, but with the
    /// state in registers rather than in this object's fields.
    /// </summary>
    internal void FillDropoutMask(Span<float> mask, double rate, float keep)
    {
        // NextDouble() = k·2⁻⁵³ for the integer k = bits >> 11, and k·2⁻⁵³ < rate exactly when k < ⌈rate·2⁵³⌉ (rate·2⁵³ is
        // exact), so the integer test takes the same decisions. It is made without a branch: a kept/dropped branch on
        // random bits is mispredicted about half the time at rate 0.5.
        long threshold = (long)Math.Ceiling(Math.Clamp(rate, 0, 1) * (1UL << 53));
        int keepBits = BitConverter.SingleToInt32Bits(keep);
        ulong a = s0, b = s1, c = s2, d = s3;
        for (int i = 0; i < mask.Length; i++)
        {
            ulong result = unchecked(ulong.RotateLeft(b * 5, 7) * 9);
            ulong t = b << 17;
            c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
            d = ulong.RotateLeft(d, 45);
            int dropped = (int)(((long)(result >> 11) - threshold) >> 63); // all ones when k < threshold
            mask[i] = BitConverter.Int32BitsToSingle(keepBits & ~dropped);
        }
        (s0, s1, s2, s3) = (a, b, c, d);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive));
        // Lemire's multiply-shift: unbiased enough for 32-bit ranges drawn from 64 random bits.
        return (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);
    }

    /// <summary>Standard normal by the Marsaglia polar method.</summary>
    public double NextNormal()
    {
        if (hasSpareNormal) { hasSpareNormal = false; return spareNormal; }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double factor = Math.Sqrt(-2 * Math.Log(s) / s);
        spareNormal = v * factor;
        hasSpareNormal = true;
        return u * factor;
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
