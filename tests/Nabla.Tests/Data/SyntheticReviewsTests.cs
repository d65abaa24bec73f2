using Nabla.Data;

namespace Nabla.Tests.Data;

public class SyntheticReviewsTests
{
    [Fact]
    public void Reviews_are_word_ids_padded_and_truncated_at_the_front_as_pad_sequences_does()
    {
        var (x, y) = Synthetic.Reviews(300, 100, vocabulary: 500, seed: 3);
        Assert.Equal([300, 100], x.Shape);
        Assert.Equal([300], y.Shape);
        int truncated = 0, padded = 0;
        for (int i = 0; i < 300; i++)
        {
            Assert.True(y.Data[i] is 0f or 1f);
            var row = Enumerable.Range(0, 100).Select(t => x[i, t]).ToArray();
            Assert.All(row, id => Assert.True(id >= 0 && id < 500 && id == MathF.Floor(id)));
            int firstWord = Array.FindIndex(row, id => id != 0);
            Assert.True(firstWord >= 0, "a review has at least one word");
            Assert.DoesNotContain(0f, row[firstWord..]);
            if (firstWord > 0) { padded++; Assert.Equal(1f, row[firstWord]); }
            else if (row[0] != 1f) truncated++;
            // 1 marks only a review's start, which truncation cuts off.
            Assert.Equal(firstWord > 0 || row[0] == 1f ? 1 : 0, row.Count(id => id == 1f));
        }
        // Lengths e^N(5.2, 0.6): about 15% of reviews are shorter than 100 words, most longer.
        Assert.InRange(padded, 15, 90);
        Assert.InRange(truncated, 200, 285);
    }

    [Fact]
    public void Sentiment_words_carry_the_label_and_frequent_words_follow_zipf()
    {
        var (x, y) = Synthetic.Reviews(2000, 100, vocabulary: 2000, seed: 5);
        Assert.InRange(y.ToArray().Average(), 0.45, 0.55);
        var counts = new int[2000];
        foreach (float id in x.ToArray()) counts[(int)id]++;
        // Id 3 is the most frequent word (rank 1), about twice as frequent as id 4 (rank 2); 5% are outside the vocabulary.
        Assert.InRange(counts[3] / (double)counts[4], 1.6, 2.5);
        double words = x.ToArray().Count(id => id != 0);
        Assert.InRange(counts[2] / words, 0.035, 0.06);
        // A word-count rule learnt on the first half reads the second half's labels: per word, the log ratio of its
        // frequency in positive and negative reviews (words seen at least 50 times), summed over a review.
        var byClass = new double[2, 2000];
        var totals = new double[2];
        for (int i = 0; i < 1000; i++)
            for (int t = 0; t < 100; t++)
            {
                int id = (int)x[i, t], label = (int)y.Data[i];
                if (id == 0) continue;
                byClass[label, id]++;
                totals[label]++;
            }
        var weight = Enumerable.Range(0, 2000).Select(id => byClass[0, id] + byClass[1, id] < 50 ? 0
            : Math.Log(byClass[1, id] / totals[1] / (byClass[0, id] / totals[0]))).ToArray();
        int right = 0;
        for (int i = 1000; i < 2000; i++)
        {
            double score = Enumerable.Range(0, 100).Sum(t => weight[(int)x[i, t]]);
            if ((score > 0 ? 1f : 0f) == y.Data[i]) right++;
        }
        Assert.InRange(right / 1000.0, 0.9, 0.995);
    }

    [Fact]
    public void Reviews_are_deterministic_from_the_seed_and_refuse_a_vocabulary_without_room_for_sentiment_words()
    {
        Assert.Equal(Synthetic.Reviews(20, 30, 200, 1).x.ToArray(), Synthetic.Reviews(20, 30, 200, 1).x.ToArray());
        Assert.NotEqual(Synthetic.Reviews(20, 30, 200, 1).x.ToArray(), Synthetic.Reviews(20, 30, 200, 2).x.ToArray());
        var error = Assert.Throws<ArgumentException>(() => Synthetic.Reviews(20, 30, 60, 1));
        Assert.Contains("at least 70", error.Message);
        Assert.Contains("found 60", error.Message);
        // Ids past 2^24 would not survive float32.
        var large = Assert.Throws<ArgumentException>(() => Synthetic.Reviews(20, 30, Synthetic.MaxReviewVocabulary + 1, 1));
        Assert.Equal("vocabulary", large.ParamName);
        Assert.Equal(16777216f + 1f, 16777216f);
    }
}
