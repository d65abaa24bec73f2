using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>y = f(x) for any activation kernel; row-wise ones (softmax) work along the last axis.</summary>
internal sealed class ActivationOp(IActivationKernel activation, Tensor x) : Op([x], x.Shape), IActivatedOp
{
    private readonly int width = x.Rank == 0 ? 1 : Math.Max(1, x.Shape[^1]);
    // f'(x)·dy before it is added to a gradient that other ops also feed; allocated by the first such pass.
    private float[]? scratch;

    public IActivationKernel Activation => activation;

    public Tensor PreActivation => Inputs[0];

    public override string Name => activation.Name;

    public override void Forward() => activation.Forward(Inputs[0].Data, Output.Data, width);

    protected internal override bool CanOverwriteGrad(int i) => true;

    // The kernel writes f'(x)·dy: straight into dx when this op is its first contributor, else beside it to be added.
    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dx = Inputs[0].Grad!.Data;
        if (OverwritesGrad(0))
        {
            activation.Backward(Inputs[0].Data, Output.Data, Output.Grad!.Data, dx, width);
            return;
        }
        scratch ??= new float[dx.Length];
        activation.Backward(Inputs[0].Data, Output.Data, Output.Grad!.Data, scratch, width);
        TensorPrimitives.Add(dx, scratch, dx);
    }
}
