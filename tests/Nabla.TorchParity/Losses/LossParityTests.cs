using Nabla.Losses;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Losses;

/// <summary>
/// Each Keras loss against PyTorch's on the same targets and predictions: the batch loss and its gradient with
/// respect to the predictions. Keras reduces each sample over its last axis (mean for element-wise losses, sum
/// for crossentropies and KL) and then takes the mean over the batch; for equal-width rows that is torch's
/// mean reduction (element-wise losses) or its sum divided by the batch (KL).
/// </summary>
public class LossParityTests
{
    private const int Batch = 6, Classes = 5;

    public sealed record Case(Func<Loss> Nabla, Tensor YTrue, Tensor YPred, Func<TorchTensor, TorchTensor, TorchTensor> Torch);

    private static readonly int[] Labels = TestData.Labels(50, Batch, Classes);
    private static readonly Tensor OneHot = TestData.OneHotOf(Labels, Classes);
    private static readonly Tensor SparseLabels = Tensor.FromArray(Labels.Select(l => (float)l).ToArray(), Batch);
    private static TorchTensor TorchLabels() => torch.tensor(Labels.Select(l => (long)l).ToArray());

    private static Tensor Normal(int seed) => TestData.Normal(seed, 1.0, Batch, Classes);
    private static Tensor SoftmaxRows(int seed) => Tensor.Softmax(TestData.Normal(seed, 1.0, Batch, Classes));
    private static Tensor BinaryTargets(int seed) =>
        Tensor.Round(TestData.Uniform(seed, 0, 1, Batch, Classes));

    // Keras normalizes probabilities over the class axis before the log (keras/src/backend/*/nn.py
    // categorical_crossentropy: output / sum(output)); torch's nll_loss takes the log-probabilities as given,
    // so the reference normalizes too. Rows here do not sum to 1, so the normalization's gradient is checked.
    private static TorchTensor NormalizedLog(TorchTensor p) => (p / p.sum(-1, keepdim: true)).log();

    public static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["mean_squared_error"] = new(() => new MeanSquaredError(), Normal(51), Normal(52), (t, p) => F.mse_loss(p, t)),
        ["mean_absolute_error"] = new(() => new MeanAbsoluteError(), Normal(53), Normal(54), (t, p) => F.l1_loss(p, t)),
        // Errors of N(0, 2) straddle delta on both sides, so both branches are compared.
        ["huber delta 1"] = new(() => new Huber(), Normal(55), Normal(56), (t, p) => F.huber_loss(p, t, 1.0)),
        ["huber delta 0.5"] = new(() => new Huber(0.5), Normal(57), Normal(58), (t, p) => F.huber_loss(p, t, 0.5)),
        // torch has no log-cosh loss: the reference is log(cosh(p − t)) in torch's ops and autograd.
        ["log_cosh (torch ops)"] = new(() => new LogCosh(), Normal(59), Normal(60), (t, p) => (p - t).cosh().log().mean()),
        // Probabilities in [0.05, 0.95] stay clear of Keras's clip to [1e-7, 1 − 1e-7] (and of torch's log clamp
        // at −100): there the two definitions are the same function.
        ["binary_crossentropy"] = new(() => new BinaryCrossentropy(), BinaryTargets(61),
            TestData.Uniform(62, 0.05, 0.95, Batch, Classes), (t, p) => F.binary_cross_entropy(p, t)),
        ["binary_crossentropy soft targets"] = new(() => new BinaryCrossentropy(), TestData.Uniform(63, 0, 1, Batch, Classes),
            TestData.Uniform(64, 0.05, 0.95, Batch, Classes), (t, p) => F.binary_cross_entropy(p, t)),
        ["binary_crossentropy from_logits"] = new(() => new BinaryCrossentropy(fromLogits: true), BinaryTargets(65),
            TestData.Normal(66, 3.0, Batch, Classes), (t, p) => F.binary_cross_entropy_with_logits(p, t)),
        ["categorical_crossentropy"] = new(() => new CategoricalCrossentropy(), OneHot,
            TestData.Uniform(67, 0.05, 1.0, Batch, Classes), (t, p) => F.nll_loss(NormalizedLog(p), TorchLabels())),
        ["categorical_crossentropy from_logits"] = new(() => new CategoricalCrossentropy(fromLogits: true), OneHot,
            TestData.Normal(69, 3.0, Batch, Classes), (t, p) => F.cross_entropy(p, TorchLabels())),
        // Keras smooths one-hot targets to t·(1 − s) + s/classes, as torch's label_smoothing does.
        ["categorical_crossentropy from_logits label_smoothing 0.1"] = new(
            () => new CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1), OneHot,
            TestData.Normal(70, 3.0, Batch, Classes), (t, p) => F.cross_entropy(p, TorchLabels(), label_smoothing: 0.1)),
        ["categorical_crossentropy from_logits soft targets"] = new(() => new CategoricalCrossentropy(fromLogits: true),
            SoftmaxRows(71), TestData.Normal(72, 3.0, Batch, Classes), (t, p) => F.cross_entropy(p, t)),
        ["sparse_categorical_crossentropy"] = new(() => new SparseCategoricalCrossentropy(), SparseLabels,
            TestData.Uniform(73, 0.05, 1.0, Batch, Classes), (t, p) => F.nll_loss(NormalizedLog(p), TorchLabels())),
        ["sparse_categorical_crossentropy from_logits"] = new(() => new SparseCategoricalCrossentropy(fromLogits: true),
            SparseLabels, TestData.Normal(74, 3.0, Batch, Classes), (t, p) => F.cross_entropy(p, TorchLabels())),
        // Strictly positive targets: Keras clips t to [1e-7, 1] (so t = 0 adds 1e-7·log(1e-7/p)), torch's xlogy
        // gives exactly 0 there; away from 0 both are Σ t·(log t − log p).
        ["kl_divergence"] = new(() => new KLDivergence(), SoftmaxRows(75), SoftmaxRows(76),
            (t, p) => F.kl_div(p.log(), t, false, torch.nn.Reduction.Sum) / Batch),
        // torch has no Keras-style hinge losses (its multi_margin_loss sums over classes, Keras's categorical hinge
        // takes the largest wrong score), so the references are written in torch ops. 0/1 labels become ±1 in Keras.
        ["hinge (torch ops)"] = new(() => new Hinge(), BinaryTargets(77), Normal(78),
            (t, p) => F.relu(1 - (2 * t - 1) * p).mean()),
        ["squared_hinge (torch ops)"] = new(() => new SquaredHinge(), BinaryTargets(79), Normal(80),
            (t, p) => F.relu(1 - (2 * t - 1) * p).square().mean()),
        ["categorical_hinge (torch ops)"] = new(() => new CategoricalHinge(), OneHot, Normal(81),
            (t, p) => F.relu(((1 - t) * p).amax([-1L]) - (t * p).sum(-1) + 1).mean()),
        // keras/src/losses/losses.py poisson is p − t·log(p + ε) with ε = 1e-7 inside the log and nothing clipped;
        // torch's poisson_nll_loss with log_input=False is input − target·log(input + eps) (eps default 1e-8), so
        // eps 1e-7 makes it Keras's formula exactly. Counts 0..5 against predictions in [0.1, 3].
        ["poisson"] = new(() => new Poisson(), Tensor.Round(TestData.Uniform(85, 0, 5, Batch, Classes)),
            TestData.Uniform(86, 0.1, 3, Batch, Classes), (t, p) => F.poisson_nll_loss(p, t, log_input: false, eps: 1e-7f)),
        // Keras divides each row by max(‖x‖, 1e-7) and returns the negative cosine; torch's cosine_similarity clamps the
        // division with its eps 1e-8. Rows of N(0, 1) values have norms near 2, where neither guard acts.
        ["cosine_similarity"] = new(() => new CosineSimilarity(), Normal(87), Normal(88),
            (t, p) => -F.cosine_similarity(t, p, -1).mean()),
        // Focal crossentropy is torchvision's (sigmoid_focal_loss), not torch's: the references are Keras's formulas in torch ops.
        ["binary_focal_crossentropy (torch ops)"] = new(
            () => new BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 1.5, fromLogits: true), BinaryTargets(89),
            TestData.Normal(90, 3.0, Batch, Classes), (t, p) =>
            {
                var probability = p.sigmoid();
                var focal = (1 - (t * probability + (1 - t) * (1 - probability))).pow(1.5);
                var balance = t * 0.25 + (1 - t) * 0.75;
                return (balance * focal * F.binary_cross_entropy_with_logits(p, t, reduction: torch.nn.Reduction.None)).mean();
            }),
        ["categorical_focal_crossentropy (torch ops)"] = new(() => new CategoricalFocalCrossentropy(), OneHot,
            TestData.Uniform(91, 0.05, 1.0, Batch, Classes), (t, p) =>
            {
                var o = p / p.sum(-1, keepdim: true);
                return (0.25 * (1 - o).pow(2) * -t * o.log()).sum(-1).mean();
            }),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Loss_and_gradient_match_torch(string name)
    {
        var c = Cases[name];
        var yPred = c.YPred.Clone().RequireGrad();
        var loss = c.Nabla().Call(c.YTrue, yPred);
        loss.Backward();

        using var scope = torch.NewDisposeScope();
        var torchPred = Parity.ToTorch(c.YPred, requiresGrad: true);
        var torchLoss = c.Torch(Parity.ToTorch(c.YTrue), torchPred);
        torchLoss.backward();

        Parity.Compare($"{name}: loss", Tensor.Reshape(loss, []), torchLoss);
        Parity.CompareGradient($"{name}: dLoss/dyPred", yPred, torchPred);
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(40.0)]
    public void Crossentropy_after_softmax_matches_torch_cross_entropy_on_the_logits(double logitScale)
    {
        // What a Keras model ending in softmax trains with: the loss reads the logits behind the softmax, as Keras's
        // TensorFlow backend does. At scale 40 wrong classes' probabilities lie far below the 1e-7 clip, where a clipped
        // loss would pass back nothing; from the logits it is torch's loss with its gradient p − t.
        var logits = TestData.Normal(84, logitScale, Batch, Classes).RequireGrad();
        var loss = new CategoricalCrossentropy().Call(OneHot, Tensor.Softmax(logits));
        loss.Backward();
        using var scope = torch.NewDisposeScope();
        var torchLogits = Parity.ToTorch(logits.Clone(), requiresGrad: true);
        var torchLoss = F.cross_entropy(torchLogits, TorchLabels());
        torchLoss.backward();
        if (logitScale > 10) Assert.True(torchLoss.item<float>() > 2 * -Math.Log(Loss.Epsilon), "the case must reach past the clip");
        Parity.Compare("softmax → crossentropy: loss", Tensor.Reshape(loss, []), torchLoss);
        Parity.CompareGradient("softmax → crossentropy: dLoss/dlogits", logits, torchLogits);
    }

    [Fact]
    public void Binary_crossentropy_after_a_saturated_sigmoid_matches_torch_on_the_logits()
    {
        var logits = TestData.Normal(86, 40.0, Batch, Classes).RequireGrad();
        var targets = BinaryTargets(87);
        var loss = new BinaryCrossentropy().Call(targets, new Nabla.Activations.Sigmoid().Apply(logits));
        loss.Backward();
        using var scope = torch.NewDisposeScope();
        var torchLogits = Parity.ToTorch(logits.Clone(), requiresGrad: true);
        var torchLoss = F.binary_cross_entropy_with_logits(torchLogits, Parity.ToTorch(targets));
        torchLoss.backward();
        Parity.Compare("saturated sigmoid → binary crossentropy: loss", Tensor.Reshape(loss, []), torchLoss);
        Parity.CompareGradient("saturated sigmoid → binary crossentropy: dLoss/dlogits", logits, torchLogits);
    }

    [Fact]
    public void Sum_reduction_matches_torch_sum_over_samples()
    {
        var yPred = Normal(82).RequireGrad();
        var yTrue = Normal(83);
        var loss = new MeanSquaredError(Loss.Sum).Call(yTrue, yPred);
        loss.Backward();
        using var scope = torch.NewDisposeScope();
        var torchPred = Parity.ToTorch(yPred.Clone(), requiresGrad: true);
        // Keras "sum": each sample's mean over its last axis, summed over samples.
        var torchLoss = F.mse_loss(torchPred, Parity.ToTorch(yTrue), torch.nn.Reduction.None).mean([-1L]).sum();
        torchLoss.backward();
        Parity.Compare("mse sum: loss", Tensor.Reshape(loss, []), torchLoss);
        Parity.CompareGradient("mse sum: gradient", yPred, torchPred);
    }
}
