namespace Nabla.Autograd.Ops;

/// <summary>
/// The activation a dense or convolution op applies after its linear part, and the buffers that takes: the
/// pre-activation z, which the backward pass and the training doctor read, and dz = f'(z)·dy. The identity
/// (<see cref="IActivationKernel.IsIdentity"/>, Keras's default "linear") needs neither: z is the output itself and
/// dz the output's gradient, so a layer without an activation copies nothing forward or backward.
/// </summary>
internal sealed class FusedActivation
{
    private readonly Tensor output;
    private readonly int width;
    private readonly float[]? gradZ;
    private readonly DirectGradient? direct;

    /// <param name="width">The row length row-wise activations (softmax) work along: the op's last axis.</param>
    public FusedActivation(IActivationKernel kernel, Tensor output, int width)
    {
        Kernel = kernel;
        this.output = output;
        this.width = width;
        PreActivation = kernel.IsIdentity ? output : new Tensor(output.Shape);
        if (kernel.IsIdentity) return;
        gradZ = new float[output.Size];
        direct = new DirectGradient(output.Size);
    }

    public IActivationKernel Kernel { get; }

    /// <summary>z, which the op's linear part writes: the output itself for the identity.</summary>
    public Tensor PreActivation { get; }

    /// <summary>y = f(z).</summary>
    public void Forward()
    {
        if (Kernel.IsIdentity) return;
        Kernel.Forward(PreActivation.Data, output.Data, width);
        direct!.Reset();
    }

    /// <summary>dLoss/dz from consumers that read z itself (<see cref="ILogitsOutput"/>); the identity has no such z.</summary>
    public Span<float> PreActivationGradient() =>
        direct is null ? throw new InvalidOperationException("A linear output has no pre-activation apart from its output.") : direct.Take();

    /// <summary>dz = f'(z)·dy plus what consumers of z wrote, for the op's products to read (not to write: for the
    /// identity it is dy itself).</summary>
    public float[] Backward()
    {
        var dy = output.Grad!.Data;
        if (gradZ is null) return dy;
        if (direct!.TryCopyAlone(dy, gradZ)) return gradZ;
        Kernel.Backward(PreActivation.Data, output.Data, dy, gradZ, width);
        direct!.AddInto(gradZ);
        return gradZ;
    }
}
