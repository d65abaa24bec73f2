namespace Nabla.Data;

/// <summary>
/// NumPy's <c>np.random.RandomState(seed).shuffle</c>, which Keras's <c>index_directory</c> uses to order a folder's
/// files before the validation split: MT19937 seeded as NumPy seeds a 32-bit integer (<c>mt19937_seed</c>, Matsumoto
/// and Nishimura's init_genrand), then Fisher-Yates from the last element down, each index drawn by
/// <c>random_interval</c> (32-bit draws masked to the smallest covering power of two, redrawn until in range). The
/// same seed therefore puts the same files in the validation subset as Keras does.
/// </summary>
internal sealed class NumPyShuffle
{
    private const int StateLength = 624;
    private readonly uint[] state = new uint[StateLength];
    private int position;

    public NumPyShuffle(uint seed)
    {
        state[0] = seed;
        for (int i = 1; i < StateLength; i++) state[i] = 1812433253u * (state[i - 1] ^ (state[i - 1] >> 30)) + (uint)i;
        position = StateLength;
    }

    /// <summary>Shuffles in place exactly as NumPy's legacy <c>RandomState.shuffle</c> shuffles a one-dimensional array.</summary>
    public void Shuffle<T>(IList<T> values)
    {
        for (int i = values.Count - 1; i > 0; i--)
        {
            int j = (int)Interval((uint)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private uint Interval(uint max)
    {
        uint mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
    }

    /// <summary>MT19937's genrand_int32.</summary>
    private uint NextUInt32()
    {
        if (position >= StateLength) Twist();
        uint y = state[position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        return y ^ (y >> 18);
    }

    private void Twist()
    {
        for (int i = 0; i < StateLength; i++)
        {
            uint y = (state[i] & 0x80000000u) | (state[(i + 1) % StateLength] & 0x7fffffffu);
            state[i] = state[(i + 397) % StateLength] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
        }
        position = 0;
    }
}
