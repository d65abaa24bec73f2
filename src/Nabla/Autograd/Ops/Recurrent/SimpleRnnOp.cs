using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops.Recurrent;

/// <summary>A Keras SimpleRNN over a whole sequence: h_t = activation(x_t·W + h_{t-1}·U + b). Its output is the
/// activation of a pre-activation, kept in the output's layout for observers (<see cref="IActivatedOp"/>).</summary>
internal sealed class SimpleRnnOp : RecurrentOp, IActivatedOp
{
    private readonly IActivationKernel activation;
    private readonly float[] preActivations;

    public SimpleRnnOp(Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias, IActivationKernel activation,
        RecurrentOptions options)
        : base(x, kernel, recurrentKernel, bias, 1, options)
    {
        if (bias is not null) CheckWeight("bias", bias, [Width]);
        this.activation = activation;
        preActivations = new float[Steps * Batch * Units];
        PreActivation = new Tensor(SequenceOutputShape);
    }

    /// <summary>The pre-activations of the states in <see cref="Op.Output"/>, in its shape and order (without the final
    /// states the output packs when they are returned).</summary>
    public Tensor PreActivation { get; }

    public IActivationKernel Activation => activation;

    public override void Forward()
    {
        base.Forward();
        WriteInOutputLayout(preActivations, PreActivation.Data, firstStep: 0, SequenceRowsPerSample);
    }

    public override string Name => "simple_rnn";

    protected override void AddInputBias(Span<float> projected)
    {
        if (Bias is { } bias) RowVector.AddToRows(projected, bias.Data);
    }

    protected override void AddInputBiasGradient(ReadOnlySpan<float> gradProjected)
    {
        if (Bias is { } bias && NeedsGrad(3)) RowVector.SumRows(gradProjected, bias.Grad!.Data, accumulate: true);
    }

    protected override void ForwardStep(int t, int r0, int r1)
    {
        int from = r0 * Units, count = (r1 - r0) * Units;
        var z = StepOf(preActivations, t, Units).Slice(from, count);
        TensorPrimitives.Add(StepOf(Projected, t, Units).Slice(from, count), RecurrentStepProduct.AsSpan(from, count), z);
        activation.Forward(z, State(t + 1).Slice(from, count), Units);
    }

    protected override void BackwardStep(int t, int r0, int r1)
    {
        int from = r0 * Units, count = (r1 - r0) * Units;
        var dz = StepOf(GradProjected, t, Units);
        activation.Backward(StepOf(preActivations, t, Units).Slice(from, count), State(t + 1).Slice(from, count),
            GradState.AsSpan(from, count), dz.Slice(from, count), Units);
        // dh_{t-1} = dz·Uᵀ, with Uᵀ stored once per backward pass.
        AddRecurrentStateGradient(r0, r1, dz, RecurrentKernelTransposed, 0, 1, accumulate: false);
    }

    protected override void FinishRecurrentGradients()
    {
        if (NeedsGrad(2)) AddRecurrentKernelGradient(GradProjected, RecurrentKernel.Grad!.Data, 0, 1, accumulate: true);
    }
}
