using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace Nabla.TorchParity.Tensors;

/// <summary>Every differentiable Tensor operation against the torch operation of the same name: output and input gradients.</summary>
public class TensorOpParityTests
{
    private static Tensor N(int seed, params int[] shape) => TestData.Normal(seed, 1.0, shape);
    private static Tensor Positive(int seed, params int[] shape) => TestData.Uniform(seed, 0.2, 2.0, shape);

    [Fact]
    public void MatMul_matches_torch_matmul() =>
        Parity.CompareOp("matmul [5,7]·[7,3]", [N(1, 5, 7), N(2, 7, 3)],
            x => Tensor.MatMul(x[0], x[1]), t => t[0].matmul(t[1]));

    [Fact]
    public void MatMul_large_enough_for_the_packed_kernels_matches_torch() =>
        // 67×131·131×45: past the small-matrix path and not a multiple of any micro-kernel's tile.
        Parity.CompareOp("matmul [67,131]·[131,45]", [N(3, 67, 131), N(4, 131, 45)],
            x => Tensor.MatMul(x[0], x[1]), t => t[0].matmul(t[1]));

    public static TheoryData<string, int[], int[]> BroadcastShapes() => new()
    {
        { "same", [4, 5], [4, 5] },
        { "row", [4, 5], [5] },
        { "column", [4, 5], [4, 1] },
        { "scalar", [4, 5], [] },
        { "both ways", [3, 1, 5], [1, 4, 1] },
        { "rank 4", [2, 3, 4, 5], [3, 1, 5] },
    };

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Broadcasting_arithmetic_matches_torch(string name, int[] a, int[] b)
    {
        Parity.CompareOp($"add ({name})", [N(5, a), N(6, b)], x => x[0] + x[1], t => t[0] + t[1]);
        Parity.CompareOp($"subtract ({name})", [N(7, a), N(8, b)], x => x[0] - x[1], t => t[0] - t[1]);
        Parity.CompareOp($"multiply ({name})", [N(9, a), N(10, b)], x => x[0] * x[1], t => t[0] * t[1]);
        Parity.CompareOp($"divide ({name})", [N(11, a), Positive(12, b)], x => x[0] / x[1], t => t[0] / t[1]);
        Parity.CompareOp($"pow ({name})", [Positive(13, a), N(14, b)], x => Tensor.Pow(x[0], x[1]), t => t[0].pow(t[1]));
    }

    [Fact]
    public void Scalar_operands_and_power_match_torch()
    {
        Parity.CompareOp("x + 2.5", [N(15, 3, 4)], x => x[0] + 2.5f, t => t[0] + 2.5f);
        Parity.CompareOp("1.5 - x", [N(16, 3, 4)], x => 1.5f - x[0], t => 1.5f - t[0]);
        Parity.CompareOp("3 / x", [Positive(17, 3, 4)], x => 3f / x[0], t => 3f / t[0]);
        Parity.CompareOp("x ^ 3", [N(18, 3, 4)], x => Tensor.Pow(x[0], 3f), t => t[0].pow(3));
        Parity.CompareOp("x ^ 0.5", [Positive(19, 3, 4)], x => Tensor.Pow(x[0], 0.5f), t => t[0].pow(0.5));
    }

    [Fact]
    public void Unary_math_matches_torch()
    {
        Parity.CompareOp("negate", [N(20, 3, 5)], x => -x[0], t => -t[0]);
        Parity.CompareOp("exp", [N(21, 3, 5)], x => Tensor.Exp(x[0]), t => t[0].exp());
        Parity.CompareOp("log", [Positive(22, 3, 5)], x => Tensor.Log(x[0]), t => t[0].log());
        Parity.CompareOp("sqrt", [Positive(23, 3, 5)], x => Tensor.Sqrt(x[0]), t => t[0].sqrt());
        Parity.CompareOp("abs", [N(24, 3, 5)], x => Tensor.Abs(x[0]), t => t[0].abs());
        // Random normals never land exactly on a bound, where the two could pick different subgradients.
        Parity.CompareOp("clip [-0.5, 0.7]", [N(25, 3, 5)], x => Tensor.Clip(x[0], -0.5f, 0.7f), t => t[0].clamp(-0.5, 0.7));
        Parity.CompareOp("softmax", [N(26, 3, 5)], x => Tensor.Softmax(x[0]), t => F.softmax(t[0], -1));
        Parity.CompareOp("log_softmax", [N(27, 3, 5)], x => Tensor.LogSoftmax(x[0]), t => F.log_softmax(t[0], -1));
    }

    [Fact]
    public void Where_matches_torch_where()
    {
        var condition = Tensor.Greater(N(28, 4, 5), Tensor.Scalar(0f));
        var torchCondition = Parity.ToTorch(condition).gt(0.5);
        Parity.CompareOp("where (broadcast b)", [N(29, 4, 5), N(30, 5)],
            x => Tensor.Where(condition, x[0], x[1]), t => torch.where(torchCondition, t[0], t[1]));
    }

    public static TheoryData<int[], bool> ReductionAxes() => new()
    {
        { [0], false }, { [1], false }, { [2], true }, { [0, 2], false }, { [-1], true }, { [0, 1, 2], false },
    };

    [Theory]
    [MemberData(nameof(ReductionAxes))]
    public void Reductions_over_axes_match_torch(int[] axes, bool keepDims)
    {
        string name = $"axes [{string.Join(", ", axes)}], keepDims {keepDims}";
        var dims = axes.Select(a => (long)a).ToArray();
        Parity.CompareOp($"sum {name}", [N(31, 3, 4, 5)], x => Tensor.Sum(x[0], axes, keepDims), t => t[0].sum(dims, keepDims));
        Parity.CompareOp($"mean {name}", [N(32, 3, 4, 5)], x => Tensor.Mean(x[0], axes, keepDims), t => t[0].mean(dims, keepDims));
        Parity.CompareOp($"max {name}", [N(33, 3, 4, 5)], x => Tensor.Max(x[0], axes, keepDims), t => t[0].amax(dims, keepDims));
    }

    [Fact]
    public void Full_reductions_match_torch()
    {
        Parity.CompareOp("sum", [N(34, 3, 4)], x => Tensor.Sum(x[0]), t => t[0].sum());
        Parity.CompareOp("mean", [N(35, 3, 4)], x => Tensor.Mean(x[0]), t => t[0].mean());
        Parity.CompareOp("max", [N(36, 3, 4)], x => Tensor.Max(x[0]), t => t[0].max());
    }

    [Fact]
    public void Shape_operations_match_torch()
    {
        Parity.CompareOp("reshape [2,3,4] → [4,-1]", [N(37, 2, 3, 4)], x => Tensor.Reshape(x[0], 4, -1), t => t[0].reshape(4, -1));
        Parity.CompareOp("transpose [3,5]", [N(38, 3, 5)], x => Tensor.Transpose(x[0]), t => t[0].t());
        Parity.CompareOp("transpose [2,3,4] by (2,0,1)", [N(39, 2, 3, 4)], x => Tensor.Transpose(x[0], 2, 0, 1), t => t[0].permute(2, 0, 1));
        Parity.CompareOp("slice [4,6,5] from (1,2,0) length (2,3,5)", [N(40, 4, 6, 5)],
            x => Tensor.Slice(x[0], [1, 2, 0], [2, 3, 5]), t => t[0].narrow(0, 1, 2).narrow(1, 2, 3));
        Parity.CompareOp("concat axis 1", [N(41, 3, 2), N(42, 3, 4)], x => Tensor.Concat([x[0], x[1]], 1), t => torch.cat([t[0], t[1]], 1));
        Parity.CompareOp("concat axis 0", [N(43, 2, 3), N(44, 1, 3)], x => Tensor.Concat([x[0], x[1]], 0), t => torch.cat([t[0], t[1]], 0));
    }

    [Fact]
    public void A_composite_expression_matches_torch() =>
        // A small network by hand: broadcasting, matmul, a reduction and a nonlinearity in one graph.
        Parity.CompareOp("mean(exp(-(x·w + b)²), axis 0)", [N(45, 6, 4), N(46, 4, 3), N(47, 3)],
            x => Tensor.Mean(Tensor.Exp(-Tensor.Pow(Tensor.MatMul(x[0], x[1]) + x[2], 2f)), 0),
            t => (-(t[0].matmul(t[1]) + t[2]).pow(2)).exp().mean([0L]));
}
