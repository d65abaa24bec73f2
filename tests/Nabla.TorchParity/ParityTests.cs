using Nabla.TorchParity.Support;
using TorchSharp;
using Xunit.Sdk;

namespace Nabla.TorchParity;

/// <summary>The comparer itself: it must fail on a real difference, a wrong shape or a NaN, or it proves nothing.</summary>
public class ParityTests
{
    [Fact]
    public void Compare_accepts_float32_noise_and_rejects_a_real_difference()
    {
        var values = TestData.Normal(1, 1.0, 3, 4);
        using var scope = torch.NewDisposeScope();
        var reference = Parity.ToTorch(values);
        var noisy = values.Clone();
        noisy.Data[5] *= 1 + 3e-6f;
        Parity.Compare("noise", noisy, reference);

        var wrong = values.Clone();
        wrong.Data[7] += 1e-3f;
        var error = Assert.Throws<FailException>(() => Parity.Compare("wrong", wrong, reference));
        Assert.Contains("1 of 12 elements", error.Message);
        Assert.Contains("[1, 3]", error.Message);
    }

    [Fact]
    public void Compare_rejects_a_different_shape_and_a_nan()
    {
        var values = TestData.Normal(2, 1.0, 3, 4);
        using var scope = torch.NewDisposeScope();
        Assert.Throws<FailException>(() => Parity.Compare("shape", values, Parity.ToTorch(values).reshape(4, 3)));
        var nan = values.Clone();
        nan.Data[0] = float.NaN;
        Assert.Throws<FailException>(() => Parity.Compare("nan", nan, Parity.ToTorch(values)));
    }
}
