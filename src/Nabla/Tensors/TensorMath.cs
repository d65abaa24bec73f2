using Nabla.Autograd;
using Nabla.Autograd.Ops;

namespace Nabla;

/// <summary>The differentiable tensor operations. Each one records an <see cref="Op"/> whose
/// forward and backward live side by side in <c>Autograd/Ops</c>.</summary>
public sealed partial class Tensor
{
    public static Tensor MatMul(Tensor a, Tensor b) => Op.Record(new MatMulOp(a, b));
}
