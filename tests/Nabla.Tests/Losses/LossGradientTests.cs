using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Losses;

using Nabla.Losses;

/// <summary>
/// Finite-difference checks of every loss's gradient with respect to yPred. Inputs are chosen away from
/// the clip boundaries and kinks (|p − t| = 0, |e| = delta, hinge margin 0), where the derivative jumps.
/// </summary>
public class LossGradientTests
{
    private static void Check(Loss loss, Tensor yTrue, Tensor yPred) =>
        GradientCheck.Check(t => loss.Call(yTrue, t[0]), [yPred]);

    /// <summary>Predictions in [0.2, 0.8] and targets that differ from them by 0.1 to 0.4 in either direction.</summary>
    private static (Tensor YTrue, Tensor YPred) Regression(int seed)
    {
        var yPred = GradientCheck.Random(seed, 0.2, 0.8, 3, 4);
        var offsets = GradientCheck.Random(seed + 1, 0.1, 0.4, 3, 4);
        var yTrue = new Tensor(3, 4);
        for (int i = 0; i < yTrue.Size; i++) yTrue.Data[i] = yPred.Data[i] + (i % 2 == 0 ? offsets.Data[i] : -offsets.Data[i]);
        return (yTrue, yPred);
    }

    private static Tensor OneHotTargets() => new float[,] { { 0, 1, 0, 0 }, { 0, 0, 0, 1 }, { 1, 0, 0, 0 } };

    [Fact] public void MeanSquaredError() { var (t, p) = Regression(1); Check(new MeanSquaredError(), t, p); }
    [Fact] public void MeanAbsoluteError() { var (t, p) = Regression(2); Check(new MeanAbsoluteError(), t, p); }
    [Fact] public void MeanAbsolutePercentageError() { var (t, p) = Regression(3); Check(new MeanAbsolutePercentageError(), t, p); }
    [Fact] public void MeanSquaredLogarithmicError() { var (t, p) = Regression(4); Check(new MeanSquaredLogarithmicError(), t, p); }
    [Fact] public void LogCosh() { var (t, p) = Regression(5); Check(new LogCosh(), t, p); }

    [Fact]
    public void HuberBothBranches()
    {
        // errors 0.3, −0.5 (quadratic) and 1.7, −2.5 (linear, delta 1)
        Check(new Huber(), new float[,] { { 0, 0, 0, 0 } }, new float[,] { { 0.3f, -0.5f, 1.7f, -2.5f } });
    }

    [Fact]
    public void BinaryCrossentropyProbabilities() =>
        Check(new BinaryCrossentropy(labelSmoothing: 0.1), new float[,] { { 0, 1, 1 }, { 1, 0, 0 } },
            GradientCheck.Random(6, 0.1, 0.9, 2, 3));

    [Fact]
    public void BinaryCrossentropyLogits() =>
        Check(new BinaryCrossentropy(fromLogits: true), new float[,] { { 0, 1, 1 }, { 1, 0, 0 } },
            GradientCheck.Random(7, -3, 3, 2, 3));

    [Fact]
    public void CategoricalCrossentropyUnnormalizedProbabilities() =>
        Check(new CategoricalCrossentropy(labelSmoothing: 0.1), OneHotTargets(), GradientCheck.Random(8, 0.1, 1.0, 3, 4));

    [Fact]
    public void CategoricalCrossentropyLogits() =>
        Check(new CategoricalCrossentropy(fromLogits: true), OneHotTargets(), GradientCheck.Random(9, -3, 3, 3, 4));

    [Fact]
    public void SparseCategoricalCrossentropyProbabilities() =>
        Check(new SparseCategoricalCrossentropy(), new float[] { 1, 3, 0 }, GradientCheck.Random(10, 0.1, 1.0, 3, 4));

    [Fact]
    public void SparseCategoricalCrossentropyLogits() =>
        Check(new SparseCategoricalCrossentropy(fromLogits: true), new float[] { 1, 3, 0 }, GradientCheck.Random(11, -3, 3, 3, 4));

    [Fact]
    public void KLDivergence() =>
        Check(new KLDivergence(), new float[,] { { 0.1f, 0.6f, 0.3f }, { 0.5f, 0.25f, 0.25f } }, GradientCheck.Random(12, 0.1, 0.9, 2, 3));

    [Fact]
    public void HingeAndSquaredHinge()
    {
        // labels ±1 after conversion and |p| ≤ 0.5 keep every margin in [0.5, 1.5], away from the kink at 0;
        // the last column has margin 1 − 1·2 < 0 by a wide gap (zero gradient).
        Tensor labels = new float[,] { { 0, 1, 1 }, { 1, 0, 1 } };
        Tensor predictions = new float[,] { { 0.3f, -0.2f, 2f }, { 0.4f, 0.1f, 2.5f } };
        Check(new Hinge(), labels, predictions);
        Check(new SquaredHinge(), labels, predictions);
    }

    [Fact]
    public void CategoricalHinge() =>
        // row 1: pos 0.5, neg 0.3 (class 2), margin 0.8; row 2: pos 0.1, neg 0.6 (class 0), margin 1.5 — no ties within 0.01
        Check(new CategoricalHinge(), new float[,] { { 0, 1, 0 }, { 0, 0, 1 } }, new float[,] { { 0.2f, 0.5f, 0.3f }, { 0.6f, 0.3f, 0.1f } });

    [Fact] public void Poisson() { var (t, p) = Regression(15); Check(new Poisson(), t, p); }

    [Fact]
    public void CosineSimilarity() =>
        Check(new CosineSimilarity(), GradientCheck.Random(16, -1, 1, 3, 4), GradientCheck.Random(17, -1, 1, 3, 4));

    [Fact]
    public void BinaryFocalCrossentropyProbabilities() =>
        Check(new BinaryFocalCrossentropy(true, alpha: 0.4, gamma: 1.5, labelSmoothing: 0.1),
            new float[,] { { 0, 1, 1 }, { 1, 0, 0 } }, GradientCheck.Random(18, 0.1, 0.9, 2, 3));

    [Fact]
    public void BinaryFocalCrossentropyLogits() =>
        Check(new BinaryFocalCrossentropy(fromLogits: true), new float[,] { { 0, 1, 1 }, { 1, 0, 0 } },
            GradientCheck.Random(19, -3, 3, 2, 3));

    [Fact]
    public void CategoricalFocalCrossentropyUnnormalizedProbabilities() =>
        Check(new CategoricalFocalCrossentropy(gamma: 1.5, labelSmoothing: 0.1), OneHotTargets(), GradientCheck.Random(20, 0.1, 1.0, 3, 4));

    [Fact]
    public void CategoricalFocalCrossentropyLogitsAndClassAlphas() =>
        Check(new CategoricalFocalCrossentropy(fromLogits: true, classAlphas: [0.25, 0.5, 1, 2]), OneHotTargets(),
            GradientCheck.Random(21, -3, 3, 3, 4));

    [Fact]
    public void TargetsGetNoGradient()
    {
        var yTrue = GradientCheck.Random(13, 0, 1, 2, 3).RequireGrad();
        var yPred = GradientCheck.Random(14, 0, 1, 2, 3).RequireGrad();
        new MeanSquaredError().Call(yTrue, yPred).Backward();
        Assert.All(yTrue.Grad!.Data, g => Assert.Equal(0f, g));
        Assert.Contains(yPred.Grad!.Data, g => g != 0f);
    }
}
