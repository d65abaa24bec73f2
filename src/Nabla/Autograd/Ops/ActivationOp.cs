using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>y = f(x) for any activation kernel; row-wise ones (softmax) work along the last axis.</summary>
internal sealed class ActivationOp(IActivationKernel activation, Tensor x) : Op([x], x.Shape), IActivatedOp
{
    private readonly int width = x.Rank == 0 ? 1 : Math.Max(1, x.Shape[^1]);
    private readonly float[] scratch = new float[x.Size];

    public IActivationKernel Activation => activation;

    public Tensor PreActivation => Inputs[0];

    public override string Name => activation.Name;

    public override void Forward() => activation.Forward(Inputs[0].Data, Output.Data, width);

    // The kernel writes f'(x)·dy; the op adds it, since gradients accumulate.
    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dx = Inputs[0].Grad!.Data;
        activation.Backward(Inputs[0].Data, Output.Data, Output.Grad!.Data, scratch, width);
        TensorPrimitives.Add(dx, scratch, dx);
    }
}
