namespace Nabla.Autograd.Ops;

/// <summary>Identity in the forward pass; cuts the gradient, as tf.stop_gradient.</summary>
internal sealed class StopGradientOp(Tensor x) : GradientBlockerOp(x)
{
    public override string Name => "stop_gradient";

    public override void Forward() => Inputs[0].Data.CopyTo(Output.Data, 0);
}
