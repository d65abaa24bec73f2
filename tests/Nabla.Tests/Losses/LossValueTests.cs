namespace Nabla.Tests.Losses;

using Nabla.Losses;

/// <summary>
/// Each loss on a small batch against numbers worked out by hand from the formulas in
/// keras/src/losses/losses.py (mean over the last axis per sample, then the mean over samples), or
/// against the examples printed in Keras's own docstrings.
/// </summary>
public class LossValueTests
{
    private static readonly float[,] ZeroOneTargets = { { 0, 1 }, { 0, 0 } };
    private static readonly float[,] SixFourPredictions = { { 0.6f, 0.4f }, { 0.4f, 0.6f } };

    private static double Value(Loss loss, Tensor yTrue, Tensor yPred) => loss.Call(yTrue, yPred).Item();

    [Fact]
    public void MeanSquaredError()
    {
        // sample 1: ((0−0.6)² + (1−0.4)²)/2 = 0.36; sample 2: (0.4² + 0.6²)/2 = 0.26; mean = 0.31
        Assert.Equal(0.31, Value(new MeanSquaredError(), ZeroOneTargets, SixFourPredictions), 1e-6);
    }

    [Fact]
    public void MeanAbsoluteError()
    {
        // sample 1: (0.6 + 0.6)/2 = 0.6; sample 2: (0.4 + 0.6)/2 = 0.5; mean = 0.55
        Assert.Equal(0.55, Value(new MeanAbsoluteError(), ZeroOneTargets, SixFourPredictions), 1e-6);
    }

    [Fact]
    public void MeanAbsolutePercentageError()
    {
        // 100·|t−p|/max(|t|, 1e-7): sample 1: 100·(0.5/1 + 1/2)/2 = 50; sample 2: 100·(1/4 + 1/2)/2 = 37.5; mean 43.75
        Assert.Equal(43.75, Value(new MeanAbsolutePercentageError(), new float[,] { { 1, 2 }, { 4, -2 } },
            new float[,] { { 1.5f, 1 }, { 3, -1 } }), 1e-4);
    }

    [Fact]
    public void MeanAbsolutePercentageErrorClampsZeroTargetsAtEpsilon()
    {
        // t = 0: the denominator is max(|0|, 1e-7), so 100·0.5/1e-7 = 5e8 (Keras's epsilon clamp, not a division by zero)
        Assert.Equal(5e8, Value(new MeanAbsolutePercentageError(), new float[] { 0 }, new float[] { 0.5f }), 5e8 * 1e-6);
    }

    [Fact]
    public void MeanSquaredLogarithmicError()
    {
        // (log(max(p,ε)+1) − log(max(t,ε)+1))², ε ≈ 1e-7 (negligible here):
        // sample 1: (ln 1.6)² = 0.220903, (ln 1.4 − ln 2)² = 0.127217 → 0.174060
        // sample 2: (ln 1.4)² = 0.113214, (ln 1.6)² = 0.220903 → 0.167059; mean = 0.170559
        Assert.Equal(0.1705593, Value(new MeanSquaredLogarithmicError(), ZeroOneTargets, SixFourPredictions), 1e-5);
    }

    [Fact]
    public void HuberMatchesKerasDocstringAndLinearBranch()
    {
        // Keras docstring of keras.losses.huber: y_true [[0,1],[0,0]], y_pred [[0.6,0.4],[0.4,0.6]] → 0.155
        // (all |e| ≤ delta = 1: ½(0.36+0.36)/2 = 0.18, ½(0.16+0.36)/2 = 0.13, mean 0.155)
        Assert.Equal(0.155, Value(new Huber(), ZeroOneTargets, SixFourPredictions), 1e-6);
        // e = [0.5, −3]: ½·0.25 = 0.125 and, past delta 1, 1·3 − ½ = 2.5; mean = 1.3125
        Assert.Equal(1.3125, Value(new Huber(), new float[,] { { 0, 3 } }, new float[,] { { 0.5f, 0 } }), 1e-6);
    }

    [Fact]
    public void LogCoshMatchesKerasDocstring()
    {
        // Keras docstring of keras.losses.log_cosh: y_true [[0,1],[0,0]], y_pred [[1,1],[0,0]] → 0.108
        // (log cosh 1 = 0.433781, /2 per sample, /2 over samples = 0.108445)
        Assert.Equal(0.1084452, Value(new LogCosh(), new float[,] { { 0, 1 }, { 0, 0 } }, new float[,] { { 1, 1 }, { 0, 0 } }), 1e-5);
    }

    [Fact]
    public void BinaryCrossentropyMatchesKerasDocstring()
    {
        // Keras docstring of keras.losses.binary_crossentropy: per-sample [0.916, 0.714] → mean 0.815
        // (sample 1: −(ln 0.4 + ln 0.4)/2 = 0.916291; sample 2: −(ln 0.6 + ln 0.4)/2 = 0.713558)
        Assert.Equal(0.8149245, Value(new BinaryCrossentropy(), ZeroOneTargets, SixFourPredictions), 1e-5);
    }

    [Fact]
    public void BinaryCrossentropyFromLogitsMatchesKerasDocstring()
    {
        // Keras docstring of BinaryCrossentropy(from_logits=True): y_true [0,1,0,0], y_pred [-18.6,0.51,2.94,-12.8] → 0.8654
        // (printed truncated); by hand: (softplus(−18.6) + softplus(−0.51) + softplus(2.94) + softplus(−12.8))/4
        // = (0.0000000 + 0.470318 + 2.991540 + 0.0000028)/4 = 0.865458
        Assert.Equal(0.865458, Value(new BinaryCrossentropy(fromLogits: true), new float[] { 0, 1, 0, 0 },
            new float[] { -18.6f, 0.51f, 2.94f, -12.8f }), 1e-5);
    }

    [Fact]
    public void BinaryCrossentropyLabelSmoothing()
    {
        // label_smoothing 0.2: t → t·0.8 + 0.1, so targets [[0.1,0.9],[0.1,0.1]]:
        // sample 1: both elements −(0.1 ln0.6 + 0.9 ln0.4) = 0.875752 → 0.875752;
        // sample 2: −(0.1 ln0.4 + 0.9 ln0.6) = 0.551366 and 0.875752 → 0.713559; mean 0.794651
        Assert.Equal(0.7946512, Value(new BinaryCrossentropy(labelSmoothing: 0.2), ZeroOneTargets, SixFourPredictions), 1e-5);
    }

    [Fact]
    public void BinaryCrossentropyClipsProbabilitiesAtEpsilon()
    {
        // p = 0 with t = 1 is clipped to 1e-7: −ln(1e-7) = 16.118 (finite, as Keras)
        Assert.Equal(-Math.Log(1e-7), Value(new BinaryCrossentropy(), new float[] { 1 }, new float[] { 0 }), 1e-3);
    }

    private static readonly float[,] OneHot = { { 0, 1, 0 }, { 0, 0, 1 } };
    private static readonly float[,] CceProbabilities = { { 0.05f, 0.95f, 0 }, { 0.1f, 0.8f, 0.1f } };

    [Fact]
    public void CategoricalCrossentropyMatchesKerasDocstring()
    {
        // Keras docstring of CategoricalCrossentropy: per-sample [0.0513, 2.303] → 1.177 (−ln 0.95, −ln 0.1)
        Assert.Equal(1.1769392, Value(new CategoricalCrossentropy(), OneHot, CceProbabilities), 1e-5);
    }

    [Fact]
    public void CategoricalCrossentropyDividesByTheSum()
    {
        // Keras divides y_pred by its sum over the last axis first: [1,2,1] → [0.25,0.5,0.25], −ln 0.5 = ln 2
        Assert.Equal(Math.Log(2), Value(new CategoricalCrossentropy(), new float[,] { { 0, 1, 0 } }, new float[,] { { 1, 2, 1 } }), 1e-6);
    }

    [Fact]
    public void CategoricalCrossentropyLabelSmoothing()
    {
        // label_smoothing 0.1 over 3 classes: t → 0.9·t + 0.1/3; the zero probability is clipped to 1e-7:
        // sample 1: −(0.0333 ln0.05 + 0.9333 ln0.95 + 0.0333 ln1e-7) = 0.687..., sample 2: −(0.0333 ln0.1 + 0.0333 ln0.8 + 0.9333 ln0.1) = 2.231...
        // mean 1.459136
        Assert.Equal(1.4591359, Value(new CategoricalCrossentropy(labelSmoothing: 0.1), OneHot, CceProbabilities), 1e-4);
    }

    [Fact]
    public void SparseCategoricalCrossentropyMatchesKerasDocstring()
    {
        // Keras docstring of SparseCategoricalCrossentropy: y_true [1, 2] with the same y_pred → 1.177
        Assert.Equal(1.1769392, Value(new SparseCategoricalCrossentropy(), new float[] { 1, 2 }, CceProbabilities), 1e-5);
        // labels of shape [B, 1] are squeezed, as Keras does
        Assert.Equal(1.1769392, Value(new SparseCategoricalCrossentropy(), Tensor.FromArray([1f, 2f], 2, 1),
            CceProbabilities), 1e-5);
    }

    [Fact]
    public void KLDivergenceSumsOverTheLastAxis()
    {
        // Σ t·ln(t/p) per sample (a sum, not a mean): sample 1: 0.2 ln(0.5) + 0.8 ln(4/3) = 0.091517;
        // sample 2: 0.5 ln(5/9) + 0.5 ln 5 = 0.510826; mean = 0.301171
        Assert.Equal(0.3011709, Value(new KLDivergence(), new float[,] { { 0.2f, 0.8f }, { 0.5f, 0.5f } },
            new float[,] { { 0.4f, 0.6f }, { 0.9f, 0.1f } }), 1e-5);
    }

    private static readonly float[,] HingePredictions = { { 0.3f, 0.8f }, { -0.4f, 0.2f } };
    private static readonly float[,] HingeLabels = { { 0, 1 }, { 1, 0 } };

    [Fact]
    public void HingeConvertsZeroOneLabels()
    {
        // labels 0/1 → −1/1: margins max(1 − t·p, 0): sample 1: 1.3, 0.2 → 0.75; sample 2: 1.4, 1.2 → 1.3; mean 1.025
        Assert.Equal(1.025, Value(new Hinge(), HingeLabels, HingePredictions), 1e-6);
        // the same labels given as −1/1 give the same loss
        Assert.Equal(1.025, Value(new Hinge(), new float[,] { { -1, 1 }, { 1, -1 } }, HingePredictions), 1e-6);
    }

    [Fact]
    public void SquaredHinge()
    {
        // squares of the margins above: sample 1: (1.69 + 0.04)/2 = 0.865; sample 2: (1.96 + 1.44)/2 = 1.7; mean 1.2825
        Assert.Equal(1.2825, Value(new SquaredHinge(), HingeLabels, HingePredictions), 1e-6);
    }

    [Fact]
    public void CategoricalHinge()
    {
        // max(neg − pos + 1, 0), pos = Σ t·p, neg = max (1−t)·p:
        // sample 1: pos 0.5, neg 0.3 → 0.8; sample 2: pos 0.1, neg 0.6 → 1.5; mean 1.15
        Assert.Equal(1.15, Value(new CategoricalHinge(), OneHot, new float[,] { { 0.2f, 0.5f, 0.3f }, { 0.6f, 0.3f, 0.1f } }), 1e-6);
    }

    [Fact]
    public void Poisson()
    {
        // keras/src/losses/losses.py poisson: mean(p − t·log(p + 1e-7)) per sample:
        // sample 1: (0.5 − ln 0.5000001 + 1.5 − 2·ln 1.5000001)/2 = 0.9411083; sample 2: (0.2 + 2 − 3·ln 2.0000001)/2 = 0.0602792
        Assert.Equal(0.5006937, Value(new Poisson(), new float[,] { { 1, 2 }, { 0, 3 } }, new float[,] { { 0.5f, 1.5f }, { 0.2f, 2 } }), 1e-6);
    }

    [Fact]
    public void CosineSimilarityIsTheNegativeCosine()
    {
        // keras.losses.cosine_similarity docstring: [[0,1],[1,1],[1,1]] vs [[1,0],[1,1],[−1,−1]] → [−0, −1, 1]; weighted
        // 0.5, 1, 2 the mean is (−1 + 2)/3. Then (3, 4)·(4, 3)/25 = 0.96, and a zero row is 0 (Keras's normalize caps 1/‖x‖ at 1/ε).
        Assert.Equal(1.0 / 3, new CosineSimilarity().Call(new float[,] { { 0, 1 }, { 1, 1 }, { 1, 1 } },
            new float[,] { { 1, 0 }, { 1, 1 }, { -1, -1 } }, Tensor.FromArray([0.5f, 1f, 2f], 3)).Item(), 1e-6);
        Assert.Equal(-0.48, Value(new CosineSimilarity(), new float[,] { { 3, 4 }, { 0, 0 } }, new float[,] { { 4, 3 }, { 1, 2 } }), 1e-6);
    }

    private static readonly float[,] FocalTargets = { { 0, 1 }, { 0, 0 } };
    private static readonly float[,] FocalLogits = { { -18.6f, 0.51f }, { 2.94f, -12.8f } };

    [Fact]
    public void BinaryFocalCrossentropyMatchesKerasDocstrings()
    {
        // keras/src/losses/losses.py, BinaryFocalCrossentropy's examples (from_logits), and binary_focal_crossentropy's.
        Assert.Equal(0.691, Value(new BinaryFocalCrossentropy(fromLogits: true), new float[] { 0, 1, 0, 0 },
            new float[] { -18.6f, 0.51f, 2.94f, -12.8f }), 1e-3);
        Assert.Equal(0.51, Value(new BinaryFocalCrossentropy(applyClassBalancing: true, fromLogits: true), new float[] { 0, 1, 0, 0 },
            new float[] { -18.6f, 0.51f, 2.94f, -12.8f }), 1e-3);
        Assert.Equal(0.647, Value(new BinaryFocalCrossentropy(gamma: 3, fromLogits: true), FocalTargets, FocalLogits), 1e-3);
        Assert.Equal(0.482, Value(new BinaryFocalCrossentropy(true, gamma: 3, fromLogits: true), FocalTargets, FocalLogits), 1e-3);
        Tensor weights = Tensor.FromArray([0.8f, 0.2f], 2);
        Assert.Equal(0.133, new BinaryFocalCrossentropy(gamma: 3, fromLogits: true).Call(FocalTargets, FocalLogits, weights).Item(), 1e-3);
        Assert.Equal(0.097, new BinaryFocalCrossentropy(true, gamma: 3, fromLogits: true).Call(FocalTargets, FocalLogits, weights).Item(), 1e-3);
        Assert.Equal(1.222, Value(new BinaryFocalCrossentropy(gamma: 4, fromLogits: true, reduction: Loss.Sum), FocalTargets, FocalLogits), 1e-3);
        Assert.Equal(0.914, Value(new BinaryFocalCrossentropy(true, gamma: 4, fromLogits: true, reduction: Loss.Sum), FocalTargets, FocalLogits), 1e-3);
        // Probabilities: per sample [0.330, 0.206].
        Assert.Equal((0.3298647 + 0.2057984) / 2, Value(new BinaryFocalCrossentropy(), ZeroOneTargets, SixFourPredictions), 1e-6);
    }

    [Fact]
    public void BinaryFocalCrossentropySmoothsBeforeBalancing()
    {
        // Smoothing 0.2 moves t to 0.1/0.9, and both p_t and the balancing weight t·0.4 + (1 − t)·0.6 read the smoothed t.
        Assert.Equal(0.0918901, Value(new BinaryFocalCrossentropy(true, alpha: 0.4, gamma: 1.5, labelSmoothing: 0.2),
            new float[,] { { 0, 1, 1 }, { 1, 0, 0 } }, new float[,] { { 0.3f, 0.8f, 0.4f }, { 0.9f, 0.2f, 0.65f } }), 1e-6);
    }

    [Fact]
    public void CategoricalFocalCrossentropyMatchesKerasDocstrings()
    {
        // keras/src/losses/losses.py, CategoricalFocalCrossentropy's examples: 0.23315276, weighted 0.1632, summed 0.46631.
        float[,] targets = { { 0, 1, 0 }, { 0, 0, 1 } }, predictions = { { 0.05f, 0.95f, 0 }, { 0.1f, 0.8f, 0.1f } };
        Assert.Equal(0.23315276, Value(new CategoricalFocalCrossentropy(), targets, predictions), 1e-6);
        Assert.Equal(0.1632, new CategoricalFocalCrossentropy().Call(targets, predictions, Tensor.FromArray([0.3f, 0.7f], 2)).Item(), 1e-4);
        Assert.Equal(0.46631, Value(new CategoricalFocalCrossentropy(reduction: Loss.Sum), targets, predictions), 1e-5);
        // categorical_focal_crossentropy's example: [2.634e-4, 0.6759121].
        Assert.Equal((2.6340129e-4 + 0.6759121) / 2, Value(new CategoricalFocalCrossentropy(), targets,
            new float[,] { { 0.05f, 0.9f, 0.05f }, { 0.1f, 0.85f, 0.05f } }), 1e-6);
    }

    [Fact]
    public void CategoricalFocalCrossentropyWithClassAlphasLogitsAndSmoothing()
    {
        // alpha per class [0.2, 0.5, 1.5], gamma 1.5, smoothing 0.1 (t → t·0.9 + 0.1/3), softmax of the logits.
        var loss = new CategoricalFocalCrossentropy(gamma: 1.5, fromLogits: true, labelSmoothing: 0.1, classAlphas: [0.2, 0.5, 1.5]);
        Assert.Equal(0.1416839, Value(loss, new float[,] { { 0, 1, 0 }, { 0, 0, 1 } }, new float[,] { { 1, 2, -1 }, { 0.5f, -0.5f, 2 } }), 1e-6);
    }

    [Fact]
    public void SumReductionAddsTheSampleLosses()
    {
        // "sum": 0.36 + 0.26 = 0.62 (the per-sample MSEs above), instead of their mean 0.31
        Assert.Equal(0.62, Value(new MeanSquaredError(Loss.Sum), ZeroOneTargets, SixFourPredictions), 1e-6);
    }

    [Fact]
    public void RankOneTargetsGoWithSingleUnitPredictions()
    {
        // Keras's squeeze_or_expand_to_same_rank: y_true [B] with y_pred [B, 1] → (0.25 + 0.04)/2
        Assert.Equal(0.145, Value(new MeanSquaredError(), new float[] { 1, 0 }, Tensor.FromArray([0.5f, 0.2f], 2, 1)), 1e-6);
    }
}
