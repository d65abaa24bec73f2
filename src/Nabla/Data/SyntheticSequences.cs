namespace Nabla.Data;

public static partial class Synthetic
{
    /// <summary>
    /// Hochreiter and Schmidhuber's adding problem: x is [samples, timesteps, 2], channel 0 a value uniform in
    /// [0, 1) at every step and channel 1 a marker, 1 at exactly two steps (one in the first half of the
    /// sequence, one in the second) and 0 elsewhere; y [samples, 1] is the sum of the two marked values.
    /// Predicting the mean, 1, gives a mean squared error of 1/6.
    /// </summary>
    public static (Tensor x, Tensor y) AddingProblem(int samples, int timesteps, int seed)
    {
        Check(samples, 1);
        if (timesteps < 2)
            throw new ArgumentException($"The adding problem needs at least 2 timesteps, found {timesteps}.", nameof(timesteps));
        var rng = new RandomGenerator(seed);
        var x = new Tensor(samples, timesteps, 2);
        var y = new Tensor(samples, 1);
        int half = timesteps / 2;
        for (int i = 0; i < samples; i++)
        {
            int row = i * timesteps * 2;
            for (int t = 0; t < timesteps; t++) x.Data[row + 2 * t] = (float)rng.NextDouble();
            int first = rng.NextInt(half), second = half + rng.NextInt(timesteps - half);
            x.Data[row + 2 * first + 1] = 1f;
            x.Data[row + 2 * second + 1] = 1f;
            y.Data[i] = x.Data[row + 2 * first] + x.Data[row + 2 * second];
        }
        return (x, y);
    }

    /// <summary>
    /// A sequence-to-sequence set for an encoder–decoder trained with teacher forcing: each sample is
    /// <paramref name="timesteps"/> symbols drawn uniformly from <paramref name="symbols"/>, and the target is the same
    /// symbols reversed. x is [samples, timesteps, 2·symbols]: at each step the source symbol one-hot, then the decoder's
    /// input, the previous target symbol one-hot (zeros at the first step); cutting the last axis into
    /// [symbols, symbols] gives the encoder's and the decoder's inputs. y is [samples, timesteps, symbols], the target
    /// one-hot. The decoder's input never holds the symbol it must predict, so only the encoder's states can carry it:
    /// without them the best accuracy is chance, 1/symbols.
    /// </summary>
    public static (Tensor x, Tensor y) SequenceReversal(int samples, int timesteps, int symbols, int seed)
    {
        Check(samples, 1);
        if (timesteps < 1) throw new ArgumentException($"SequenceReversal 'timesteps' must be at least 1, found {timesteps}.", nameof(timesteps));
        if (symbols < 2) throw new ArgumentException($"SequenceReversal 'symbols' must be at least 2, found {symbols}.", nameof(symbols));
        var rng = new RandomGenerator(seed);
        var x = new Tensor(samples, timesteps, 2 * symbols);
        var y = new Tensor(samples, timesteps, symbols);
        var source = new int[timesteps];
        for (int i = 0; i < samples; i++)
        {
            for (int t = 0; t < timesteps; t++) source[t] = rng.NextInt(symbols);
            for (int t = 0; t < timesteps; t++)
            {
                int step = i * timesteps + t, target = source[timesteps - 1 - t];
                x.Data[step * 2 * symbols + source[t]] = 1f;
                y.Data[step * symbols + target] = 1f;
                if (t + 1 < timesteps) x.Data[(step + 1) * 2 * symbols + symbols + target] = 1f;
            }
        }
        return (x, y);
    }

    /// <summary>
    /// A sequence-classification set whose answer lies far back: x is [samples, timesteps, 1] of standard normal
    /// values, and y [samples, 1] is 1 when the sum over the first <paramref name="window"/> steps is positive, else
    /// 0. Everything after the window is noise, so a model must carry the sign across timesteps − window steps.
    /// </summary>
    public static (Tensor x, Tensor y) EarlySignClassification(int samples, int timesteps, int seed, int window = 5)
    {
        Check(samples, 1);
        if (window < 1 || window > timesteps)
            throw new ArgumentException(
                $"EarlySignClassification 'window' must be in 1..timesteps ({timesteps}), found {window}.", nameof(window));
        var rng = new RandomGenerator(seed);
        var x = new Tensor(samples, timesteps, 1);
        var y = new Tensor(samples, 1);
        for (int i = 0; i < samples; i++)
        {
            double sum = 0;
            for (int t = 0; t < timesteps; t++)
            {
                float v = (float)rng.NextNormal();
                x.Data[i * timesteps + t] = v;
                if (t < window) sum += v;
            }
            y.Data[i] = sum > 0 ? 1f : 0f;
        }
        return (x, y);
    }
}
