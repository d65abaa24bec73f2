using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>
/// Keras's alpha dropout (Klambauer et al., 2017, for SELU networks), drawn afresh on every forward pass: each value is kept
/// with probability 1 − rate, else set to SELU's negative saturation α' = −λα, then the affine a·x + b restores the
/// input's mean and variance, a = ((1 − rate)(1 + rate·α'²))^(−1/2), b = −a·α'·rate (keras/src/layers/regularization/
/// alpha_dropout.py). So y = m·x + c with m = a for a kept value and 0 for a dropped one, and dx = m·dy.
/// </summary>
internal sealed class AlphaDropoutOp : Op
{
    /// <summary>SELU's α and λ (keras/src/activations/activations.py).</summary>
    private const double SeluAlpha = 1.6732632423543772848170429916717, SeluScale = 1.0507009873554804934193349852946;

    private readonly float rate, scale, shift, droppedValue;
    private readonly RandomGenerator? generator;
    private readonly float[] multiplier, offset;

    public AlphaDropoutOp(Tensor x, float rate, RandomGenerator? generator) : base([x], x.Shape)
    {
        this.rate = rate;
        this.generator = generator;
        double alphaP = -SeluAlpha * SeluScale;
        double a = Math.Pow((1 - rate) * (1 + rate * alphaP * alphaP), -0.5);
        scale = (float)a;
        shift = (float)(-a * alphaP * rate);
        droppedValue = (float)(a * alphaP) + shift;
        multiplier = new float[x.Size];
        offset = new float[x.Size];
    }

    public override string Name => "alpha_dropout";

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        for (int i = 0; i < multiplier.Length; i++)
        {
            bool kept = rng.NextDouble() >= rate;
            multiplier[i] = kept ? scale : 0f;
            offset[i] = kept ? shift : droppedValue;
        }
        TensorPrimitives.MultiplyAdd(Inputs[0].Data, multiplier, offset, Output.Data);
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dx = Inputs[0].Grad!.Data;
        TensorPrimitives.MultiplyAdd(Output.Grad!.Data, multiplier, dx, dx);
    }
}
