using Nabla.Layers;

namespace Nabla.Tests.Reliability;

/// <summary>One model, many threads: every Predict and Evaluate returns bitwise what a lone call returns.</summary>
public class ConcurrentInferenceTests
{
    /// <summary>Seconds of hammering: the 10 s by default (Predict and Evaluate interleave on the same 8
    /// threads, so both get the whole 10 s); NABLA_STRESS_SECONDS lengthens the run.</summary>
    private static double StressSeconds =>
        double.TryParse(Environment.GetEnvironmentVariable("NABLA_STRESS_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 10;

    internal static Tensor Random(int rows, int columns, int seed)
    {
        var rng = new RandomGenerator(seed);
        var t = new Tensor(rows, columns);
        for (int i = 0; i < t.Size; i++) t.Data[i] = (float)rng.NextDouble();
        return t;
    }

    [Fact]
    public void EightThreadsOfPredictAndEvaluateAgreeBitwiseWithOneThread()
    {
        Utils.SetRandomSeed(5);
        var model = new Sequential(new Dense(128, activation: "relu", inputShape: [784]), new Dense(10, activation: "softmax"));
        model.Compile("sgd", "sparse_categorical_crossentropy", ["accuracy"]);
        // Sizes on both of Predict's paths: a few rows on the caller's thread, many rows split between threads.
        var small = Random(40, 784, 1);
        var large = Random(700, 784, 2);
        var labels = new Tensor(700, 1);
        for (int i = 0; i < labels.Size; i++) labels.Data[i] = i % 10;
        var expectedSmall = model.Predict(small, batchSize: 16).Data;
        var expectedLarge = model.Predict(large, batchSize: 64).Data;
        var expectedEval = model.Evaluate(large, labels, batchSize: 50);

        int calls = 0, wrong = 0;
        string? firstWrong = null;
        var deadline = DateTime.UtcNow.AddSeconds(StressSeconds);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            for (int i = t; DateTime.UtcNow < deadline; i++)
            {
                string? problem = (i % 3) switch
                {
                    0 => Differs(model.Predict(small, batchSize: 16).Data, expectedSmall, "Predict(40 rows)"),
                    1 => Differs(model.Predict(large, batchSize: 64).Data, expectedLarge, "Predict(700 rows)"),
                    _ => DiffersEval(model.Evaluate(large, labels, batchSize: 50), expectedEval),
                };
                Interlocked.Increment(ref calls);
                if (problem is not null)
                {
                    Interlocked.Increment(ref wrong);
                    Interlocked.CompareExchange(ref firstWrong, problem, null);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.True(wrong == 0, $"{wrong} of {calls} concurrent calls differed from one thread's answer; first: {firstWrong}");
        Assert.True(calls >= 24, $"only {calls} calls ran");
        // Replicas are bounded whatever the number of callers.
        Assert.True(model.CachedGraphReplicas <= model.GraphCacheShapes * model.GraphReplicasPerShape);
    }

    private static string? Differs(float[] actual, float[] expected, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                return $"{what}: value {i} is {actual[i]:R}, one thread gives {expected[i]:R}";
        return null;
    }

    private static string? DiffersEval(IReadOnlyDictionary<string, double> actual, IReadOnlyDictionary<string, double> expected)
    {
        foreach (var (key, value) in expected)
            if (BitConverter.DoubleToInt64Bits(actual[key]) != BitConverter.DoubleToInt64Bits(value))
                return $"Evaluate: {key} is {actual[key]:R}, one thread gives {value:R}";
        return null;
    }

    [Fact]
    public void TheGraphCacheSizeIsASetting()
    {
        var model = new Sequential(new Dense(3, inputShape: [2]));
        var x = Random(50, 2, 4);
        model.GraphCacheShapes = 2;
        for (int batch = 1; batch <= 10; batch++) model.Predict(x, batchSize: batch);
        Assert.True(model.CachedGraphShapes <= 2);
        model.GraphReplicasPerShape = 1;
        Assert.True(model.CachedGraphReplicas <= 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GraphCacheShapes = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GraphReplicasPerShape = 0);
    }
}
