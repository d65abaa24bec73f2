using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Layers;

/// <summary>
/// BatchNormalization against torch's batch_norm with the same gamma, beta and moving statistics, Keras's epsilon
/// (1e-3) and torch momentum = 1 − Keras momentum (Keras: moving = moving·m + batch·(1 − m); torch:
/// running = running·(1 − m') + batch·m'). One definition differs: torch moves running_var towards the unbiased
/// batch variance (n/(n − 1)·biased), Keras towards the biased one that also normalizes the batch; the test
/// undoes torch's factor rather than loosening the comparison.
/// </summary>
public class BatchNormalizationParityTests
{
    private const double KerasMomentum = 0.9, KerasEpsilon = 1e-3; // Keras's epsilon default; momentum 0.9 so a step moves the statistics visibly

    [Theory]
    [InlineData(true, new[] { 8, 5 })]
    [InlineData(false, new[] { 8, 5 })]
    [InlineData(true, new[] { 2, 3, 3, 4 })]
    [InlineData(false, new[] { 2, 3, 3, 4 })]
    // Six features tile in 48 values, leaving one row past the last whole tile; 2,560 rows of 8 fill 40 blocks of
    // 32 tiles (float partial sums moved to double 40 times); 37 features make one 592-value tile.
    [InlineData(true, new[] { 5, 7, 3, 6 })]
    [InlineData(true, new[] { 40, 8, 8, 8 })]
    [InlineData(false, new[] { 40, 8, 8, 8 })]
    [InlineData(true, new[] { 16, 4, 4, 37 })]
    public void Output_gradients_and_moving_statistics_match_torch(bool training, int[] shape)
    {
        int features = shape[^1];
        var layer = new BatchNormalization(momentum: KerasMomentum, epsilon: KerasEpsilon);
        layer.Build(shape[1..]);
        var (gamma, beta, movingMean, movingVariance) = (layer.Weights[0], layer.Weights[1], layer.Weights[2], layer.Weights[3]);
        TestData.Assign(gamma, TestData.Uniform(1, 0.5, 1.5, features));
        TestData.Assign(beta, TestData.Normal(2, 0.5, features));
        TestData.Assign(movingMean, TestData.Normal(3, 0.5, features));
        TestData.Assign(movingVariance, TestData.Uniform(4, 0.5, 2.0, features));
        var initialMean = movingMean.Clone();
        var initialVariance = movingVariance.Clone();
        var x = (TestData.Normal(5, 1.5, shape) + 0.7f).RequireGrad();
        var outputGrad = TestData.Uniform(6, 0.5, 1.5, shape);

        var y = layer.Call(x, training);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        // The reference runs in float64: over thousands of rows torch's own float32 sums (dgamma = Σ dy·x̂) are off by
        // 1.5e-4 relative, beyond the tolerance, while Nabla's (float over 32 tiles, then double) are not.
        var tx = Parity.Leaf64(Parity.ToTorch(x));
        var tGamma = Parity.Leaf64(Parity.ToTorch(gamma));
        var tBeta = Parity.Leaf64(Parity.ToTorch(beta));
        var runningMean = Parity.ToTorch(initialMean).to_type(torch.float64);
        var runningVar = Parity.ToTorch(initialVariance).to_type(torch.float64);
        var ty = FromChannelsFirst(F.batch_norm(ToChannelsFirst(tx), runningMean, runningVar, tGamma, tBeta,
            training, 1 - KerasMomentum, KerasEpsilon));
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        string mode = training ? "training" : "inference";
        Parity.Compare($"BatchNormalization ({mode}) output", y, ty);
        Parity.CompareGradient($"BatchNormalization ({mode}) dL/dx", x, tx);
        Parity.CompareGradient($"BatchNormalization ({mode}) dL/dgamma", gamma, tGamma);
        Parity.CompareGradient($"BatchNormalization ({mode}) dL/dbeta", beta, tBeta);
        Parity.Compare($"BatchNormalization ({mode}) moving_mean", movingMean, runningMean);

        long n = x.Size / features;
        var torchBiased = training
            // running = old·m + unbiased·(1 − m)  ⇒  Keras's old·m + biased·(1 − m) = old·m + (running − old·m)·(n − 1)/n
            ? Parity.ToTorch(initialVariance) * KerasMomentum + (runningVar - Parity.ToTorch(initialVariance) * KerasMomentum) * ((n - 1.0) / n)
            : runningVar;
        Parity.Compare($"BatchNormalization ({mode}) moving_variance", movingVariance, torchBiased);
    }

    // Keras normalizes the last axis (channels-last); torch's batch_norm wants channels on axis 1.
    private static TorchTensor ToChannelsFirst(TorchTensor t) =>
        t.dim() == 2 ? t : t.permute([0, t.dim() - 1, .. Enumerable.Range(1, (int)t.dim() - 2).Select(i => (long)i)]);

    private static TorchTensor FromChannelsFirst(TorchTensor t) =>
        t.dim() == 2 ? t : t.permute([0, .. Enumerable.Range(2, (int)t.dim() - 2).Select(i => (long)i), 1]);

    [Theory]
    [InlineData(0.0, true)]
    [InlineData(0.5, false)]
    public void Dropout_at_rate_0_or_in_inference_is_torch_dropout(double rate, bool training) =>
        // Both are the identity then; a random mask cannot be compared across two generators.
        Parity.CompareOp($"Dropout({rate}, training {training})", [TestData.Normal(7, 1.0, 4, 6)],
            x => new Dropout(rate, seed: 1).Call(x[0], training), t => F.dropout(t[0], rate, training));
}
