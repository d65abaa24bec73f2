using Nabla.Configuration;

namespace Nabla.Metrics;

/// <summary>
/// Keras <c>R2Score</c> (keras/src/metrics/regression_metrics.py): per target column, 1 − Σw(t − p)² / (Σw·t² − (Σw·t)²/Σw),
/// over every sample seen, a score of ±∞ (a constant column with errors) becoming 0. class_aggregation
/// "uniform_average" (default) averages the columns, "variance_weighted_average" weighs them by that denominator, null
/// gives one score per column (<see cref="ClassResults"/>; a history cannot hold it). With num_regressors k &gt; 0 the
/// adjusted score 1 − (1 − R²)(n − 1)/(n − k − 1), where n counts target values (Keras's ops.size(y_true)); when
/// k ≥ n − 1 Keras warns and keeps R², and so does Nabla, without the warning.
/// </summary>
public sealed class R2Score : Metric
{
    private static readonly string?[] Aggregations = [null, "uniform_average", "variance_weighted_average"];

    // Keras's variables sum, squared_sum, residual and count per column, and num_samples.
    private double[] sum = [], squaredSum = [], residual = [], count = [];
    private double values;

    public R2Score(string? classAggregation = "uniform_average", int numRegressors = 0, string name = "r2_score") : base(name)
    {
        if (!Aggregations.Contains(classAggregation))
            throw new ArgumentException(
                $"R2Score class_aggregation must be null, \"uniform_average\" or \"variance_weighted_average\"; got \"{classAggregation}\".",
                nameof(classAggregation));
        if (numRegressors < 0) throw new ArgumentException($"R2Score num_regressors must be >= 0; got {numRegressors}.", nameof(numRegressors));
        (ClassAggregation, NumRegressors) = (classAggregation, numRegressors);
    }

    public string? ClassAggregation { get; }
    public int NumRegressors { get; }

    public override string ClassName => "R2Score";

    public override bool? RisesWhenBetter => true;

    public override string? VectorResult => ClassAggregation is null ? "returns one score per target column (class_aggregation null)" : null;

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["class_aggregation"] = ClassAggregation;
        config["num_regressors"] = NumRegressors;
        return config;
    }

    /// <summary>An absent class_aggregation is the default; a null one is Keras's None (no aggregation).</summary>
    public static R2Score FromConfig(Config config)
    {
        config.RefuseNull("R2Score", "num_regressors");
        string? aggregation = config.TryGetValue("class_aggregation", out var value) ? value as string ?? (value is null ? null
            : throw new ArgumentException($"R2Score class_aggregation must be a string or null; got {Config.Describe(value)}.")) : "uniform_average";
        return new(aggregation, config.GetInt("num_regressors", 0), ReadName(config, "r2_score"));
    }

    public override void Update(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth, int yPredWidth,
        ReadOnlySpan<float> sampleWeight)
    {
        CheckSizes(yTrue, yPred, batch, yTrueWidth, yPredWidth);
        RequireSameWidth(yTrueWidth, yPredWidth);
        CheckWeights(sampleWeight, batch);
        if (sum.Length == 0)
            (sum, squaredSum, residual, count) = (new double[yPredWidth], new double[yPredWidth], new double[yPredWidth], new double[yPredWidth]);
        else if (sum.Length != yPredWidth)
            throw new ArgumentException($"Metric '{Name}' has {sum.Length} target columns; got width {yPredWidth}.");
        for (int r = 0; r < batch; r++)
        {
            double w = WeightOf(sampleWeight, r);
            for (int c = 0; c < yPredWidth; c++)
            {
                double t = yTrue[r * yPredWidth + c], e = t - yPred[r * yPredWidth + c];
                sum[c] += w * t;
                squaredSum[c] += w * t * t;
                residual[c] += w * e * e;
                count[c] += w;
            }
        }
        values += yTrue.Length;
    }

    /// <summary>The score of each target column; empty before any update.</summary>
    public double[] ClassResults()
    {
        var scores = new double[sum.Length];
        for (int c = 0; c < scores.Length; c++)
        {
            double score = 1 - residual[c] / Total(c);
            scores[c] = double.IsInfinity(score) ? 0 : score;
        }
        return scores;
    }

    /// <summary>0 before any update (Keras has no variables yet there and fails).</summary>
    public override double Result()
    {
        if (ClassAggregation is null)
            throw new InvalidOperationException($"Metric '{Name}' has class_aggregation null: read ClassResults() or aggregate.");
        if (sum.Length == 0) return 0;
        var scores = ClassResults();
        double r2;
        if (ClassAggregation == "uniform_average") r2 = scores.Average();
        else
        {
            double weighted = 0, totals = 0;
            for (int c = 0; c < scores.Length; c++) { weighted += Total(c) * scores[c]; totals += Total(c); }
            r2 = weighted / totals;
        }
        if (NumRegressors == 0 || NumRegressors >= values - 1) return r2;
        return 1 - (1 - r2) * (values - 1) / (values - NumRegressors - 1);
    }

    /// <summary>Σw·t² − Σw·t · mean, the weighted spread of column c about its mean.</summary>
    private double Total(int c) => squaredSum[c] - sum[c] * (sum[c] / count[c]);

    public override void Reset()
    {
        foreach (var state in new[] { sum, squaredSum, residual, count }) Array.Clear(state);
        values = 0;
    }
}
