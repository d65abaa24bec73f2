using Nabla.Autograd;
using Nabla.Autograd.Ops;

namespace Nabla;

/// <summary>The differentiable tensor operations. Each one records an <see cref="Op"/> whose
/// forward and backward live side by side in <c>Autograd/Ops</c>. Binary element-wise operations
/// broadcast as NumPy does.</summary>
public sealed partial class Tensor
{
    public static Tensor MatMul(Tensor a, Tensor b) => Op.Record(new MatMulOp(a, b));

    /// <summary>One matrix product per sample: [batch, m, k]·[batch, k, n] → [batch, m, n].</summary>
    public static Tensor BatchMatMul(Tensor a, Tensor b) => Op.Record(new BatchMatMulOp(a, b));

    public static Tensor Add(Tensor a, Tensor b) => Op.Record(new AddOp(a, b));

    public static Tensor Subtract(Tensor a, Tensor b) => Op.Record(new SubtractOp(a, b));

    public static Tensor Multiply(Tensor a, Tensor b) => Op.Record(new MultiplyOp(a, b));

    public static Tensor Divide(Tensor a, Tensor b) => Op.Record(new DivideOp(a, b));

    /// <summary>a^b element-wise, both tensors (broadcast). The exponent's gradient is 0 where a ≤ 0.</summary>
    public static Tensor Pow(Tensor a, Tensor b) => Op.Record(new PowOp(a, b));

    /// <summary>x^p for a constant exponent.</summary>
    public static Tensor Pow(Tensor x, float exponent) => Op.Record(new PowScalarOp(x, exponent));

    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);
    public static Tensor operator +(Tensor a, float b) => Add(a, Scalar(b));
    public static Tensor operator +(float a, Tensor b) => Add(Scalar(a), b);
    public static Tensor operator -(Tensor a, Tensor b) => Subtract(a, b);
    public static Tensor operator -(Tensor a, float b) => Subtract(a, Scalar(b));
    public static Tensor operator -(float a, Tensor b) => Subtract(Scalar(a), b);
    public static Tensor operator *(Tensor a, Tensor b) => Multiply(a, b);
    public static Tensor operator *(Tensor a, float b) => Multiply(a, Scalar(b));
    public static Tensor operator *(float a, Tensor b) => Multiply(Scalar(a), b);
    public static Tensor operator /(Tensor a, Tensor b) => Divide(a, b);
    public static Tensor operator /(Tensor a, float b) => Divide(a, Scalar(b));
    public static Tensor operator /(float a, Tensor b) => Divide(Scalar(a), b);
    public static Tensor operator -(Tensor x) => Negate(x);
}
