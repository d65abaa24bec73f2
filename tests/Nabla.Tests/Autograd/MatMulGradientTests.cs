using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Autograd;

public class MatMulGradientTests
{
    [Fact]
    public void MatMulMatchesFiniteDifferences() =>
        GradientCheck.Check(t => Tensor.MatMul(t[0], t[1]),
            [GradientCheck.Random(1, -1, 1, 3, 4), GradientCheck.Random(2, -1, 1, 4, 5)]);
}
