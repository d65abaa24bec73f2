using Nabla.TorchParity.Support;
using TorchSharp;

namespace Nabla.TorchParity;

public class TorchRuntimeTests
{
    [Fact]
    public void Libtorch_loads_and_computes()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var sum = torch.tensor(new float[] { 1f, 2f, 3.5f }).sum().item<float>();
        Assert.Equal(6.5f, sum);
    }
}
