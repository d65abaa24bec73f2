using TorchSharp;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Support;

/// <summary>
/// Moves tensors between Nabla and TorchSharp and compares them element by element.
/// Both sides compute in float32, but in different orders (Nabla's packed SGEMM and its own reductions
/// against libtorch's), so results agree to a few float32 ulps per accumulated term, not bitwise. The default
/// tolerance |nabla − torch| ≤ atol + rtol·|torch| with rtol 1e-4 and atol 1e-5 is about 800 ulps relative:
/// far above summation-order noise for the sizes used here (sums of at most a few hundred terms), far below
/// any real difference in definition (a wrong constant, a missing term or a transposed weight moves results
/// by 1e-2 or more).
/// </summary>
public static class Parity
{
    public const double DefaultRtol = 1e-4;
    public const double DefaultAtol = 1e-5;

    /// <summary><paramref name="t"/> detached as a float64 leaf that collects its own gradient (a weight the float64
    /// reference run differentiates).</summary>
    public static TorchTensor Leaf64(TorchTensor t) => t.detach().to_type(torch.float64).requires_grad_(true);

    /// <summary>A TorchSharp float32 tensor holding a copy of <paramref name="tensor"/>'s values and shape.</summary>
    public static TorchTensor ToTorch(Tensor tensor, bool requiresGrad = false)
    {
        TorchRuntime.EnsureLoaded();
        var shape = tensor.Shape.Select(d => (long)d).ToArray();
        return torch.tensor(tensor.Data, shape, dtype: torch.float32, requires_grad: requiresGrad);
    }

    /// <summary>A Nabla tensor holding a copy of a TorchSharp tensor (converted to float32).</summary>
    public static Tensor FromTorch(TorchTensor tensor)
    {
        var values = tensor.detach().to_type(torch.float32).contiguous().data<float>().ToArray();
        return Tensor.FromArray(values, tensor.shape.Select(d => checked((int)d)).ToArray());
    }

    /// <summary>
    /// Asserts that Nabla's <paramref name="actual"/> equals PyTorch's <paramref name="expected"/> in shape and,
    /// element by element, within atol + rtol·|expected|; the message names <paramref name="what"/>, the worst
    /// element, both values and how many elements are off.
    /// </summary>
    public static void Compare(string what, Tensor actual, TorchTensor expected,
        double rtol = DefaultRtol, double atol = DefaultAtol)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        var torchShape = expected.shape.Select(d => (int)d).ToArray();
        if (!Shapes.Equal(actual.Shape, torchShape))
            Assert.Fail($"{what}: Nabla's shape {Tensor.ShapeString(actual.Shape)} differs from PyTorch's {Tensor.ShapeString(torchShape)}.");
        var reference = FromTorch(expected).Data;
        int worst = -1, failures = 0;
        double worstExcess = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double a = actual.Data[i], e = reference[i];
            double allowed = atol + rtol * Math.Abs(e);
            double error = Math.Abs(a - e);
            bool bad = double.IsNaN(a) != double.IsNaN(e) || error > allowed || (double.IsInfinity(a) && a != e);
            if (double.IsNaN(a) && double.IsNaN(e)) bad = false;
            if (!bad) continue;
            failures++;
            double excess = double.IsFinite(error) ? error / allowed : double.PositiveInfinity;
            if (worst < 0 || excess > worstExcess) { worst = i; worstExcess = excess; }
        }
        if (failures == 0) return;
        Assert.Fail($"{what}: {failures} of {reference.Length} elements differ from PyTorch beyond atol {atol:G3} + rtol {rtol:G3}·|torch|; " +
            $"worst at flat index {worst} {Tensor.ShapeString(Unravel(worst, actual.Shape))}: Nabla {actual.Data[worst]:G9}, PyTorch {reference[worst]:G9}.");
    }

    /// <summary>Compares a Nabla leaf's gradient with the gradient PyTorch accumulated on its counterpart.</summary>
    public static void CompareGradient(string what, Tensor nablaLeaf, TorchTensor torchLeaf,
        double rtol = DefaultRtol, double atol = DefaultAtol)
    {
        var torchGrad = torchLeaf.grad ?? throw new InvalidOperationException($"{what}: PyTorch computed no gradient.");
        Assert.True(nablaLeaf.Grad is not null, $"{what}: Nabla computed no gradient.");
        Compare(what, nablaLeaf.Grad!, torchGrad, rtol, atol);
    }

    /// <summary>
    /// Runs one computation in both frameworks on copies of the same inputs and compares the output and the
    /// gradient of every input. The backward pass starts from fixed random output weights in [0.5, 1.5) (not
    /// ones), so that a gradient that is wrong for one output element cannot hide in a sum.
    /// </summary>
    public static void CompareOp(string what, Tensor[] inputs, Func<Tensor[], Tensor> nabla,
        Func<TorchTensor[], TorchTensor> pytorch, double rtol = DefaultRtol, double atol = DefaultAtol, int seed = 99)
    {
        TorchRuntime.EnsureLoaded();
        var leaves = inputs.Select(t => t.Clone()).ToArray();
        foreach (var leaf in leaves) leaf.RequiresGrad = true;
        var output = nabla(leaves);
        var outputWeights = TestData.Uniform(seed, 0.5, 1.5, output.Shape);
        new Autograd.Graph(output).Backward(outputWeights);

        using var scope = torch.NewDisposeScope();
        var torchLeaves = inputs.Select(t => ToTorch(t, requiresGrad: true)).ToArray();
        var torchOutput = pytorch(torchLeaves);
        torchOutput.backward([ToTorch(outputWeights)]);

        Compare($"{what}: output", output, torchOutput, rtol, atol);
        for (int i = 0; i < leaves.Length; i++)
            CompareGradient($"{what}: gradient of input {i}", leaves[i], torchLeaves[i], rtol, atol);
    }

    private static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}
