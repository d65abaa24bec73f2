using Nabla.Doctor;
using Nabla.Losses;

namespace Nabla.Tests.Losses;

/// <summary>The training doctor's crossentropy arithmetic (ln(classes) at a uniform guess, the clip's pinned loss)
/// does not hold for the focal crossentropies, whose factors scale every term.</summary>
public class FocalLossDoctorTests
{
    private static readonly OutputLayer Softmax = new("dense", 0, 4, "softmax", Probabilities: true);

    [Fact]
    public void UniformGuessLoss_IsOnlyForPlainCrossentropies()
    {
        Assert.Equal(Math.Log(4), new ModelQuantities { Loss = new CategoricalCrossentropy(), Output = Softmax }.UniformGuessLoss, 12);
        Assert.True(double.IsNaN(new ModelQuantities { Loss = new CategoricalFocalCrossentropy(), Output = Softmax }.UniformGuessLoss));
        Assert.True(double.IsNaN(new ModelQuantities { Loss = new BinaryFocalCrossentropy(), Output = Softmax }.UniformGuessLoss));
    }

    [Fact]
    public void FocalLosses_AreCrossentropies_ForTheOutputChecks()
    {
        // A focal loss still pairs with a softmax or sigmoid output (or logits), as the crossentropies do.
        Assert.True(new CategoricalFocalCrossentropy().IsCrossEntropy);
        Assert.True(new BinaryFocalCrossentropy().ExpectsProbabilities);
        Assert.False(new BinaryFocalCrossentropy(fromLogits: true).ExpectsProbabilities);
    }
}
