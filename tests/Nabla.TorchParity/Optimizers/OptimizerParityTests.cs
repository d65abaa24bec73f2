using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.TorchParity.Support;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using OptimizerOptions = TorchSharp.Modules.OptimizerOptions;
using TorchAdam = TorchSharp.Modules.Adam;
using TorchAdamW = TorchSharp.Modules.AdamW;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Optimizers;

/// <summary>
/// Three training steps of the seed's network (Dense 784→128 relu, Dense 128→10 softmax, mean squared error) through
/// <see cref="Model.TrainOnBatch"/>, against the same network in torch with torch.optim, from identical weights on
/// identical batches. Each step checks the batch loss and Nabla's gradients against torch's autograd, then hands
/// torch Nabla's gradients for its optimizer step, so that the weight changes compare the update rules alone.
/// (Fed its own gradients, torch's Adam-type steps would differ where |g| is far below epsilon: about 16% of this
/// network's first-layer gradients are under 1e-8, where both frameworks' float32 gradients carry ~5e-10 of
/// rounding, measured against float64, and a step ≈ lr·g/ε passes that on multiplied by lr/ε ≈ 1e4.)
/// Where Keras and torch define an optimizer differently, the torch side is configured to compute Keras's rule and
/// the difference is stated at the case.
/// </summary>
public class OptimizerParityTests
{
    private const int Batch = 16, Inputs = 784, Hidden = 128, Classes = 10, Steps = 3;

    // Both take their steps from the same gradients in float32, so a weight's change differs only by rounding: 1e-4
    // relative in the step, plus the rounding of the weight itself, which torch does up to twice per step (NAdam adds
    // its two terms to w separately, AdamW decays w before the step) and Nabla once: 8 ulps of the tensor's largest
    // weight over three steps. Any change of rule (an epsilon placement, a bias correction, a momentum form) moves
    // steps by a percent or more (see the RMSprop note).
    private const double StepRtol = 1e-4;
    private const int StepUlps = 8;

    // Gradients reach 2e-3 here and carry up to ~7e-10 of float32 rounding in either framework (measured against
    // torch in float64), so they are compared with 2e-9 absolute and 1e-3 relative.
    private const double GradientRtol = 1e-3, GradientAtol = 2e-9;

    public sealed record Case(Func<Optimizer> Nabla, Func<IList<Parameter>, TorchOptimizer> Torch);

    /// <summary>A torch optimizer plus what must change before each step (t = 1, 2, ...) to follow Keras's rule.</summary>
    public sealed record TorchOptimizer(torch.optim.Optimizer Optimizer, Action<int>? BeforeStep = null);

    // Keras's Adam (keras/src/optimizers/adam.py) adds epsilon to √v and folds √(1 − β2^t) into the step size:
    // w −= lr·√(1 − β2^t)/(1 − β1^t) · m/(√v + ε). torch adds epsilon to √v/√(1 − β2^t). The two agree when torch's
    // epsilon is ε/√(1 − β2^t) at step t (the paper's "epsilon hat"), which BeforeStep sets.
    private static Action<int> KerasEpsilon(OptimizerOptions options, double epsilon, double beta2) => t =>
    {
        double value = epsilon / Math.Sqrt(1 - Math.Pow(beta2, t));
        switch (options)
        {
            case TorchAdam.Options adam: adam.eps = value; break;
            case TorchAdamW.Options adamW: adamW.eps = value; break;
            default: throw new ArgumentException($"No epsilon to set on {options.GetType().Name}.");
        }
    };

    public static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        // torch's buffer b = μb + g, w −= lr·b is Keras's m = μm − lr·g, w += m with m = −lr·b (constant lr).
        ["SGD lr 0.1"] = new(() => new SGD(0.1), p => new(torch.optim.SGD(p, 0.1))),
        ["SGD momentum 0.9"] = new(() => new SGD(0.1, momentum: 0.9), p => new(torch.optim.SGD(p, 0.1, momentum: 0.9))),
        ["SGD nesterov"] = new(() => new SGD(0.1, momentum: 0.9, nesterov: true),
            p => new(torch.optim.SGD(p, 0.1, momentum: 0.9, nesterov: true))),
        ["Adam"] = new(() => new Adam(), p =>
        {
            var group = new TorchAdam.ParamGroup(p, new TorchAdam.Options());
            var optimizer = torch.optim.Adam([group], 1e-3, 0.9, 0.999, 1e-7);
            return new(optimizer, KerasEpsilon(group.Options, 1e-7, 0.999));
        }),
        ["Adam lr 0.01 beta_1 0.8"] = new(() => new Adam(0.01, beta1: 0.8), p =>
        {
            var group = new TorchAdam.ParamGroup(p, new TorchAdam.Options());
            var optimizer = torch.optim.Adam([group], 0.01, 0.8, 0.999, 1e-7);
            return new(optimizer, KerasEpsilon(group.Options, 1e-7, 0.999));
        }),
        // Keras's AdamW decays first, w −= w·wd·lr, then takes the Adam step; torch's AdamW multiplies by 1 − lr·wd first too.
        ["AdamW"] = new(() => new AdamW(0.01, weightDecay: 0.004), p =>
        {
            var group = new TorchAdamW.ParamGroup(p, new TorchAdamW.Options());
            var optimizer = torch.optim.AdamW([group], 0.01, 0.9, 0.999, 1e-7, weight_decay: 0.004);
            return new(optimizer, KerasEpsilon(group.Options, 1e-7, 0.999));
        }),
        // Keras divides by √(v + ε) (rmsprop.py), torch by √v + ε. No torch setting reproduces ε inside the root, so the
        // comparison makes both negligible: Keras ε 1e-37 (a floor of 3e-19 on the root, still a normal float32) and
        // torch ε 3e-19. This network has first-layer gradients down to 1e-10 (√v ≈ 3e-11): with Keras's default
        // 1e-7, or even 1e-20 against torch's 1e-10, the steps of such weights differ by tens of percent.
        ["RMSprop"] = new(() => new RMSprop(epsilon: 1e-37), p => new(torch.optim.RMSProp(p, 1e-3, alpha: 0.9, eps: 3e-19))),
        ["RMSprop momentum centered"] = new(() => new RMSprop(epsilon: 1e-37, momentum: 0.5, centered: true),
            p => new(torch.optim.RMSProp(p, 1e-3, alpha: 0.9, eps: 3e-19, momentum: 0.5, centered: true))),
        // Adagrad also puts ε inside the root in Keras (adagrad.py) and outside in torch, but the accumulator starts
        // at 0.1, so the default ε 1e-7 changes the step by under 1e-6 relative: the definitions agree as used.
        ["Adagrad"] = new(() => new Adagrad(0.01), p => new(torch.optim.Adagrad(p, 0.01, initial_accumulator_value: 0.1, eps: 1e-7))),
        // Keras (adadelta.py) and torch define Adadelta alike: ε inside both roots, both accumulators from 0. torch's
        // defaults differ (lr 1.0, rho 0.9, eps 1e-6), so Keras's are passed. With lr 1e-3 the weights move by ~1e-6,
        // near the ulp slack; the paper's lr 1.0 makes the steps large against the weights' rounding.
        ["Adadelta"] = new(() => new Adadelta(), p => new(torch.optim.Adadelta(p, lr: 1e-3, rho: 0.95, eps: 1e-7))),
        ["Adadelta lr 1.0 rho 0.9"] = new(() => new Adadelta(1.0, rho: 0.9),
            p => new(torch.optim.Adadelta(p, lr: 1.0, rho: 0.9, eps: 1e-7))),
        // torch's NAdam uses μ_t = β1·(1 − ½·0.96^(t·momentum_decay)); Keras's nadam.py uses 0.96^t, i.e. momentum_decay = 1
        // (torch's default 0.004 is the original paper's schedule). Both add ε to √v̂.
        ["Nadam"] = new(() => new Nadam(), p => new(torch.optim.NAdam(p, 1e-3, 0.9, 0.999, 1e-7, momentum_decay: 1.0))),
        // Keras's adamax.py keeps u = max(β2·u, |g|) and divides by (1 − β1^t)·(u + ε); torch's Adamax keeps
        // u = max(β2·u, |g| + ε) and divides by (1 − β1^t)·u. They agree at step 1 and whenever |g| is the max; when the
        // decayed norm is, torch's carries β2·ε where Keras's adds ε: the denominators differ by (1 − β2)·ε, a large
        // part of u for this network's gradients under 1e-7. With ε 1e-30 on both sides (a normal float32, 1e-20 of the
        // smallest nonzero |g| here) that difference is nil and only the shared rule remains.
        ["Adamax"] = new(() => new Adamax(epsilon: 1e-30), p => new(torch.optim.Adamax(p, 1e-3, 0.9, 0.999, 1e-30))),
        ["Adamax lr 0.01 beta_1 0.8 beta_2 0.99"] = new(() => new Adamax(0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-30),
            p => new(torch.optim.Adamax(p, 0.01, 0.8, 0.99, 1e-30))),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Three_steps_of_the_seed_network_match_torch(string name)
    {
        TorchRuntime.EnsureLoaded();
        var c = Cases[name];
        var hidden = new Dense(Hidden, "relu", inputShape: [Inputs]);
        var output = new Dense(Classes, "softmax");
        var model = new Sequential(hidden, output);
        model.Build([Inputs]);
        // Keras's he_uniform / glorot_uniform ranges, drawn from fixed seeds so every run compares the same numbers.
        TestData.Assign(hidden.Kernel, TestData.Uniform(1, -Math.Sqrt(6.0 / Inputs), Math.Sqrt(6.0 / Inputs), Inputs, Hidden));
        TestData.Assign(hidden.Bias!, TestData.Normal(2, 0.05, Hidden));
        TestData.Assign(output.Kernel, TestData.Uniform(3, -Math.Sqrt(6.0 / (Hidden + Classes)), Math.Sqrt(6.0 / (Hidden + Classes)), Hidden, Classes));
        TestData.Assign(output.Bias!, TestData.Normal(4, 0.05, Classes));
        model.Compile(optimizer: c.Nabla(), loss: "mse");
        Tensor[] nablaWeights = [hidden.Kernel, hidden.Bias!, output.Kernel, output.Bias!];
        var initial = nablaWeights.Select(w => w.Clone()).ToArray();

        using var scope = torch.NewDisposeScope();
        var w1 = new Parameter(WeightLayouts.DenseKernel(hidden.Kernel, requiresGrad: false));
        var b1 = new Parameter(Parity.ToTorch(hidden.Bias!));
        var w2 = new Parameter(WeightLayouts.DenseKernel(output.Kernel, requiresGrad: false));
        var b2 = new Parameter(Parity.ToTorch(output.Bias!));
        var torchOptimizer = c.Torch([w1, b1, w2, b2]);

        for (int step = 1; step <= Steps; step++)
        {
            var x = TestData.Uniform(100 + step, 0, 1, Batch, Inputs);
            var y = TestData.OneHot(200 + step, Batch, Classes);
            var gradients = model.ComputeGradients(x, y); // aligned with the weights: kernel, bias, kernel, bias

            torchOptimizer.Optimizer.zero_grad();
            var probabilities = F.softmax(F.linear(F.relu(F.linear(Parity.ToTorch(x), w1, b1)), w2, b2), -1);
            var torchLoss = F.mse_loss(probabilities, Parity.ToTorch(y));
            torchLoss.backward();
            Parity.Compare($"{name}, step {step}: dL/d hidden kernel", gradients[0]!, w1.grad!.t(), GradientRtol, GradientAtol);
            Parity.Compare($"{name}, step {step}: dL/d hidden bias", gradients[1]!, b1.grad!, GradientRtol, GradientAtol);
            Parity.Compare($"{name}, step {step}: dL/d output kernel", gradients[2]!, w2.grad!.t(), GradientRtol, GradientAtol);
            Parity.Compare($"{name}, step {step}: dL/d output bias", gradients[3]!, b2.grad!, GradientRtol, GradientAtol);
            using (torch.no_grad())
            {
                w1.grad!.copy_(WeightLayouts.DenseKernel(gradients[0]!, requiresGrad: false));
                b1.grad!.copy_(Parity.ToTorch(gradients[1]!));
                w2.grad!.copy_(WeightLayouts.DenseKernel(gradients[2]!, requiresGrad: false));
                b2.grad!.copy_(Parity.ToTorch(gradients[3]!));
            }
            torchOptimizer.BeforeStep?.Invoke(step);
            torchOptimizer.Optimizer.step();

            double nablaLoss = model.TrainOnBatch(x, y);

            Parity.Compare($"{name}, step {step}: loss", Tensor.Scalar((float)nablaLoss), torchLoss);
            CompareChange($"{name}, step {step}: hidden kernel", hidden.Kernel, initial[0], w1.t());
            CompareChange($"{name}, step {step}: hidden bias", hidden.Bias!, initial[1], b1);
            CompareChange($"{name}, step {step}: output kernel", output.Kernel, initial[2], w2.t());
            CompareChange($"{name}, step {step}: output bias", output.Bias!, initial[3], b2);
        }
    }

    private static void CompareChange(string what, Tensor nablaNow, Tensor initial, TorchTensor torchNow)
    {
        var nablaChange = Tensor.FromArray(nablaNow.Data.Zip(initial.Data, (a, b) => a - b).ToArray(), nablaNow.Shape);
        Assert.True(nablaChange.Data.Any(v => v != 0), $"{what}: the weights did not change.");
        float largest = nablaNow.Data.Max(MathF.Abs);
        double ulp = MathF.BitIncrement(largest) - largest;
        Parity.Compare($"{what} change", nablaChange, torchNow.detach() - Parity.ToTorch(initial), StepRtol, StepUlps * ulp);
    }
}
