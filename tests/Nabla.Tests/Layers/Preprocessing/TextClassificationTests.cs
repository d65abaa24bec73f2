using Nabla.Layers;

namespace Nabla.Tests.Layers;

/// <summary>Keras's "text classification from scratch" steps in Nabla: TextVectorization adapted on the texts outside
/// the model, then Embedding, GlobalAveragePooling1D and Dense(sigmoid) trained on the ids.</summary>
public class TextClassificationTests
{
    private static readonly string[] Positive = ["great", "wonderful", "excellent", "loved", "brilliant"];
    private static readonly string[] Negative = ["awful", "boring", "terrible", "hated", "dull"];
    private static readonly string[] Filler = ["the", "movie", "was", "plot", "acting", "really", "and", "a", "film", "story"];

    /// <summary>Sentences of filler words with one or two sentiment words, in mixed case with punctuation.</summary>
    private static (string[] Texts, Tensor Labels) Corpus(int count, int seed)
    {
        var random = new Random(seed);
        var texts = new string[count];
        var labels = new Tensor(count, 1);
        for (int i = 0; i < count; i++)
        {
            bool good = i % 2 == 0;
            var words = Enumerable.Range(0, 4 + random.Next(5)).Select(_ => Filler[random.Next(Filler.Length)]).ToList();
            var sentiment = good ? Positive : Negative;
            for (int k = 0; k < 1 + random.Next(2); k++)
                words.Insert(random.Next(words.Count + 1), sentiment[random.Next(sentiment.Length)]);
            words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
            texts[i] = string.Join(' ', words) + (good ? "!" : ".");
            labels.Data[i] = good ? 1 : 0;
        }
        return (texts, labels);
    }

    [Fact]
    public void AdaptVectorizeAndTrainAnEmbeddingModel()
    {
        Utils.SetRandomSeed(11);
        var (texts, labels) = Corpus(160, seed: 5);
        const int maxTokens = 40, length = 12;
        var vectorize = new TextVectorization(maxTokens: maxTokens, outputMode: "int", outputSequenceLength: length);
        vectorize.Adapt(texts);
        Assert.Equal(2 + Positive.Length + Negative.Length + Filler.Length, vectorize.VocabularySize);
        var x = vectorize.Call(texts);
        Assert.Equal([160, length], x.Shape);

        var model = new Sequential(
            new Embedding(maxTokens, 8, inputShape: [length]),
            new GlobalAveragePooling1D(),
            new Dense(1, activation: "sigmoid"));
        model.Compile(new Nabla.Optimizers.Adam(learningRate: 0.05), "binary_crossentropy", ["accuracy"]);
        var history = model.Fit(x, labels, epochs: 15, batchSize: 16, verbose: 0);
        Assert.True(history["loss"][^1] < 0.5 * history["loss"][0], $"loss {history["loss"][0]} -> {history["loss"][^1]}");
        Assert.True(history["accuracy"][^1] > 0.95, $"accuracy {history["accuracy"][^1]}");

        // New sentences, with a word never seen (OOV index 1).
        var (tests, _) = Corpus(2, seed: 99);
        var predictions = model.Predict(vectorize.Call([.. tests.Select(t => t + " unseenword")]));
        Assert.True(predictions.Data[0] > 0.5f && predictions.Data[1] < 0.5f, string.Join(", ", predictions.Data));
    }

    [Fact]
    public void TheReadmeLinesRunWithConv1D()
    {
        // README "Text", with smaller sizes.
        Utils.SetRandomSeed(12);
        var (texts, labels) = Corpus(32, seed: 6);
        var vectorize = new TextVectorization(maxTokens: 100, outputMode: "int", outputSequenceLength: 20);
        vectorize.Adapt(texts);
        var x = vectorize.Call(texts);
        var model = new Sequential(new Embedding(100, 16, inputShape: [20]), new Conv1D(16, 7, activation: "relu"),
            new GlobalMaxPooling1D(), new Dense(1, activation: "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        var history = model.Fit(x, labels, epochs: 2, verbose: 0);
        Assert.Equal(2, history["loss"].Count);
        var words = new StringLookup(vocabulary: ["a", "b", "c", "d"]).Call([["a", "c", "d"], ["d", "z", "b"]]);
        Assert.Equal([1, 3, 4, 4, 0, 2], words.Data);
    }
}
