namespace Nabla.Data;

public static partial class Synthetic
{
    /// <summary>The ids an IMDB-style word index reserves besides padding (0, what a new tensor holds): the start of a
    /// review and a word outside the vocabulary; words begin after them.</summary>
    private const int StartId = 1, OutOfVocabularyId = 2, FirstWordId = 3;

    /// <summary>How many sentiment words each side has, and the id range (frequent words) they are drawn from.</summary>
    private const int SentimentWordsPerSide = 20, SentimentLowestId = 30, SentimentIdsEnd = 400;

    /// <summary>The largest vocabulary: word ids are float32 values in x, exact up to 2^24.</summary>
    public const int MaxReviewVocabulary = 1 << 24;

    /// <summary>
    /// Movie-review-like token sequences shaped as Keras's <c>imdb.load_data(num_words)</c> followed by
    /// <c>pad_sequences(maxlen)</c> gives them: x is [samples, timesteps] of word ids stored as floats, each review
    /// beginning with 1, words outside the vocabulary 2, the others drawn by a Zipf law (weight 1/rank) over ids
    /// 3..vocabulary−1, truncated and zero-padded at the front; y [samples] is the 0/1 sentiment.
    /// Lengths are e^N(5.2, 0.6) words (median about 180, as IMDB's reviews); 5% of words fall outside the vocabulary.
    /// With probability <paramref name="sentimentRate"/> a word is one of 20 positive or 20 negative words (distinct
    /// ids among the frequent ones, 30..399), agreeing with the review's label with probability
    /// <paramref name="agreement"/>: the label is learnable from counting words, yet single reviews stay ambiguous,
    /// so accuracy climbs over many steps instead of jumping to 100%.
    /// </summary>
    public static (Tensor x, Tensor y) Reviews(int samples, int timesteps, int vocabulary, int seed,
        double sentimentRate = 0.12, double agreement = 0.8)
    {
        Check(samples, timesteps);
        int sentimentEnd = Math.Min(SentimentIdsEnd, vocabulary);
        if (sentimentEnd - SentimentLowestId < 2 * SentimentWordsPerSide)
            throw new ArgumentException(
                $"Synthetic reviews need a vocabulary of at least {SentimentLowestId + 2 * SentimentWordsPerSide} ids " +
                $"(the sentiment words are drawn from ids {SentimentLowestId}..{SentimentIdsEnd - 1}), found {vocabulary}.", nameof(vocabulary));
        if (vocabulary > MaxReviewVocabulary)
            throw new ArgumentException(
                $"Synthetic reviews take a vocabulary of at most {MaxReviewVocabulary} ids (word ids are float32 values, exact up to 2^24), found {vocabulary}.",
                nameof(vocabulary));
        if (sentimentRate is < 0 or > 1 || agreement is < 0 or > 1)
            throw new ArgumentException($"Synthetic reviews need sentimentRate and agreement in [0, 1], found {sentimentRate} and {agreement}.");
        var rng = new RandomGenerator(seed);
        var (positive, negative) = SentimentWords(rng, sentimentEnd);
        var zipf = ZipfCumulative(vocabulary - FirstWordId);
        var x = new Tensor(samples, timesteps);
        var y = new Tensor(samples);
        var words = new List<int>();
        for (int i = 0; i < samples; i++)
        {
            int label = rng.NextDouble() < 0.5 ? 1 : 0;
            y.Data[i] = label;
            int length = Math.Max(1, (int)Math.Round(Math.Exp(5.2 + 0.6 * rng.NextNormal())));
            words.Clear();
            words.Add(StartId);
            for (int w = 0; w < length; w++) words.Add(NextWord(rng, label, positive, negative, zipf, sentimentRate, agreement));
            // pad_sequences' defaults: keep the last timesteps words, pad the front with zeros.
            var row = x.Data.AsSpan(i * timesteps, timesteps);
            int kept = Math.Min(timesteps, words.Count), pad = timesteps - kept;
            for (int t = 0; t < kept; t++) row[pad + t] = words[words.Count - kept + t];
        }
        return (x, y);
    }

    private static int NextWord(RandomGenerator rng, int label, int[] positive, int[] negative, double[] zipf,
        double sentimentRate, double agreement)
    {
        if (rng.NextDouble() < sentimentRate)
        {
            bool positiveWord = rng.NextDouble() < agreement ? label == 1 : label == 0;
            var side = positiveWord ? positive : negative;
            return side[rng.NextInt(side.Length)];
        }
        if (rng.NextDouble() < 0.05) return OutOfVocabularyId;
        int rank = Array.BinarySearch(zipf, rng.NextDouble() * zipf[^1]);
        return FirstWordId + (rank >= 0 ? rank : Math.Min(~rank, zipf.Length - 1));
    }

    /// <summary>2·20 distinct ids from 30..end−1, the first 20 positive.</summary>
    private static (int[] positive, int[] negative) SentimentWords(RandomGenerator rng, int end)
    {
        var ids = new int[end - SentimentLowestId];
        for (int i = 0; i < ids.Length; i++) ids[i] = SentimentLowestId + i;
        rng.Shuffle(ids);
        return (ids[..SentimentWordsPerSide], ids[SentimentWordsPerSide..(2 * SentimentWordsPerSide)]);
    }

    /// <summary>Running sums of 1/rank over <paramref name="words"/> ranks, to draw a rank by binary search.</summary>
    private static double[] ZipfCumulative(int words)
    {
        var cumulative = new double[words];
        double sum = 0;
        for (int r = 0; r < words; r++) cumulative[r] = sum += 1.0 / (r + 1);
        return cumulative;
    }
}
