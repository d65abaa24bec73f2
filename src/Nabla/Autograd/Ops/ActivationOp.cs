using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>y = f(x) for any activation kernel; row-wise ones (softmax) work along the last axis.</summary>
internal sealed class ActivationOp(IActivationKernel activation, Tensor x) : Op([x], x.Shape), ILogitsOutput
{
    private readonly int width = x.Rank == 0 ? 1 : Math.Max(1, x.Shape[^1]);
    // f'(x)·dy before it is added to a gradient that other ops also feed; allocated by the first such pass.
    private float[]? scratch;
    private readonly DirectGradient direct = new(x.Size);

    public IActivationKernel Activation => activation;

    public Tensor PreActivation => Inputs[0];

    public Span<float> PreActivationGradient() => direct.Take();

    public override string Name => activation.Name;

    public override void Forward()
    {
        activation.Forward(Inputs[0].Data, Output.Data, width);
        direct.Reset();
    }

    protected internal override bool CanOverwriteGrad(int i) => true;

    // The kernel writes f'(x)·dy (plus what consumers of x wrote past the activation): straight into dx when this op is
    // its first contributor, else beside it to be added.
    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dx = Inputs[0].Grad!.Data;
        if (OverwritesGrad(0))
        {
            if (direct.TryCopyAlone(Output.Grad!.Data, dx)) return;
            activation.Backward(Inputs[0].Data, Output.Data, Output.Grad!.Data, dx, width);
            direct.AddInto(dx);
            return;
        }
        scratch ??= new float[dx.Length];
        activation.Backward(Inputs[0].Data, Output.Data, Output.Grad!.Data, scratch, width);
        direct.AddInto(scratch);
        TensorPrimitives.Add(dx, scratch, dx);
    }
}
