using Nabla.Activations;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>
/// y = activation(x·W + b): one GEMM, one SIMD pass adding the bias, one activation pass; the backward
/// pass multiplies the activation's derivative into the upstream gradient once, before the two GEMMs. The pre-activation z is kept: backward needs it, and the
/// training doctor reads it (saturation, dead units).
/// </summary>
internal sealed class DenseOp : Op
{
    private readonly int rows, inFeatures, units;
    private readonly Activation activation;
    private readonly float[] gradZ;

    public DenseOp(Tensor x, Tensor kernel, Tensor? bias, Activation activation)
        : base(bias is null ? [x, kernel] : [x, kernel, bias], OutputShape(x, kernel, bias))
    {
        inFeatures = kernel.Shape[0];
        units = kernel.Shape[1];
        rows = x.Size / inFeatures;
        this.activation = activation;
        PreActivation = new Tensor(Output.Shape);
        gradZ = new float[Output.Size];
    }

    public override string Name => "dense";

    /// <summary>z = x·W + b, before the activation.</summary>
    public Tensor PreActivation { get; }

    public Activation Activation => activation;

    private static int[] OutputShape(Tensor x, Tensor kernel, Tensor? bias)
    {
        if (kernel.Rank != 2 || x.Rank < 1 || x.Shape[^1] != kernel.Shape[0])
            throw new ArgumentException(
                $"dense needs inputs whose last axis matches the kernel's first: inputs {Tensor.ShapeString(x.Shape)}, " +
                $"kernel {Tensor.ShapeString(kernel.Shape)}.");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != kernel.Shape[1]))
            throw new ArgumentException(
                $"dense bias {Tensor.ShapeString(bias.Shape)} does not match kernel {Tensor.ShapeString(kernel.Shape)}.");
        return [.. x.Shape[..^1], kernel.Shape[1]];
    }

    public override void Forward()
    {
        var z = PreActivation.Data;
        Gemm.Multiply(false, false, rows, units, inFeatures, Inputs[0].Data, Inputs[1].Data, z);
        if (Inputs.Length == 3) RowVector.AddToRows(z, Inputs[2].Data);
        // One call over the whole batch: row-wise activations (softmax) split rows themselves.
        activation.Forward(z, Output.Data, units);
    }

    protected internal override bool CanOverwriteGrad(int i) => true;

    public override void Backward()
    {
        activation.Backward(PreActivation.Data, Output.Data, Output.Grad!.Data, gradZ, units);
        var x = Inputs[0];
        // dW (+)= xᵀ·dz    [in, rows]·[rows, units]
        if (NeedsGrad(1))
            Gemm.Multiply(true, false, inFeatures, units, rows, x.Data, gradZ, Inputs[1].Grad!.Data, accumulate: !OverwritesGrad(1));
        // db (+)= Σ_rows dz
        if (Inputs.Length == 3 && NeedsGrad(2)) RowVector.SumRows(gradZ, Inputs[2].Grad!.Data, accumulate: !OverwritesGrad(2));
        // dx (+)= dz·Wᵀ    [rows, units]·[units, in]
        if (NeedsGrad(0))
            Gemm.Multiply(false, true, rows, inFeatures, units, gradZ, Inputs[1].Data, x.Grad!.Data, accumulate: !OverwritesGrad(0));
    }
}
