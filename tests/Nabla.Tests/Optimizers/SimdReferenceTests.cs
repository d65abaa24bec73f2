using Nabla.Optimizers;

namespace Nabla.Tests.Optimizers;

/// <summary>
/// The fused pass runs 16-, 8- and 4-wide loops and a scalar tail. On an odd length (101,771 = 16·6360 + 8 + 3)
/// every element must equal a plain scalar loop written straight from Keras's formulas.
/// </summary>
public class SimdReferenceTests
{
    private const int Length = 101_771;

    private static float[] Random(RandomGenerator rng, float scale)
    {
        var values = new float[Length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextNormal() * scale);
        return values;
    }

    private static void AssertSame(float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double allowed = 1e-7 + 1e-6 * Math.Abs(expected[i]);
            if (Math.Abs(expected[i] - actual[i]) > allowed)
                Assert.Fail($"Element {i} of {expected.Length}: scalar reference {expected[i]:R}, optimizer {actual[i]:R}.");
        }
    }

    private static (Tensor parameter, float[] w, float[][] grads) Setup(int seed)
    {
        var rng = new RandomGenerator(seed);
        var w = Random(rng, 0.5f);
        var grads = new[] { Random(rng, 1f), Random(rng, 1f), Random(rng, 0.1f) };
        return (Tensor.FromArray((float[])w.Clone(), Length), w, grads);
    }

    [Fact]
    public void Adam_MatchesScalarReference()
    {
        var (parameter, w, grads) = Setup(1);
        var adam = new Adam(learningRate: 0.01, amsgrad: true, clipValue: 1.5, weightDecay: 0.1);
        foreach (var g in grads) { parameter.Grad = Tensor.FromArray(g, Length); adam.Apply([parameter]); }

        var m = new float[Length];
        var v = new float[Length];
        var vHat = new float[Length];
        for (int t = 1; t <= grads.Length; t++)
        {
            float alpha = (float)(0.01 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t)));
            float decay = (float)(0.1 * 0.01);
            for (int i = 0; i < Length; i++)
            {
                float g = Math.Clamp(grads[t - 1][i], -1.5f, 1.5f);
                w[i] -= w[i] * decay;
                m[i] += (g - m[i]) * (float)(1 - 0.9);
                v[i] += (g * g - v[i]) * (float)(1 - 0.999);
                vHat[i] = Math.Max(vHat[i], v[i]);
                w[i] -= m[i] * alpha / (MathF.Sqrt(vHat[i]) + 1e-7f);
            }
        }
        AssertSame(w, parameter.Data);
    }

    [Fact]
    public void RMSpropCenteredMomentum_MatchesScalarReference()
    {
        var (parameter, w, grads) = Setup(2);
        var rms = new RMSprop(learningRate: 0.01, momentum: 0.9, centered: true, clipNorm: 100.0);
        foreach (var g in grads) { parameter.Grad = Tensor.FromArray(g, Length); rms.Apply([parameter]); }

        var v = new float[Length];
        var a = new float[Length];
        var mom = new float[Length];
        foreach (var gs in grads)
        {
            double norm = Math.Sqrt(gs.Sum(x => (double)x * x));
            float scale = (float)(100.0 / Math.Max(norm, 100.0));
            for (int i = 0; i < Length; i++)
            {
                float g = scale == 1f ? gs[i] : gs[i] * scale;
                v[i] = v[i] * 0.9f + g * g * (float)(1 - 0.9);
                a[i] = a[i] * 0.9f + g * (float)(1 - 0.9);
                float inc = g * 0.01f / MathF.Sqrt(v[i] - a[i] * a[i] + 1e-7f);
                mom[i] = mom[i] * 0.9f + inc;
                w[i] -= mom[i];
            }
        }
        AssertSame(w, parameter.Data);
    }

    [Fact]
    public void SgdNesterov_MatchesScalarReference()
    {
        var (parameter, w, grads) = Setup(3);
        var sgd = new SGD(learningRate: 0.05, momentum: 0.8, nesterov: true);
        foreach (var g in grads) { parameter.Grad = Tensor.FromArray(g, Length); sgd.Apply([parameter]); }

        var velocity = new float[Length];
        foreach (var g in grads)
            for (int i = 0; i < Length; i++)
            {
                velocity[i] = velocity[i] * 0.8f - g[i] * 0.05f;
                w[i] += velocity[i] * 0.8f - g[i] * 0.05f;
            }
        AssertSame(w, parameter.Data);
    }

    [Fact]
    public void Adadelta_MatchesScalarReference()
    {
        var (parameter, w, grads) = Setup(5);
        var adadelta = new Adadelta(learningRate: 1.0, clipValue: 1.5, weightDecay: 0.1);
        foreach (var g in grads) { parameter.Grad = Tensor.FromArray(g, Length); adadelta.Apply([parameter]); }

        var accGrad = new float[Length];
        var accDelta = new float[Length];
        foreach (var gs in grads)
            for (int i = 0; i < Length; i++)
            {
                float g = Math.Clamp(gs[i], -1.5f, 1.5f);
                w[i] -= w[i] * (float)(0.1 * 1.0);
                accGrad[i] = accGrad[i] * 0.95f + g * g * (float)(1 - 0.95);
                float delta = -MathF.Sqrt(accDelta[i] + 1e-7f) * g / MathF.Sqrt(accGrad[i] + 1e-7f);
                accDelta[i] = accDelta[i] * 0.95f + delta * delta * (float)(1 - 0.95);
                w[i] += delta;
            }
        AssertSame(w, parameter.Data);
    }

    [Fact]
    public void Adamax_MatchesScalarReference()
    {
        // keras/src/optimizers/adamax.py update_step, with clipvalue and weight decay.
        var (parameter, w, grads) = Setup(6);
        var adamax = new Adamax(learningRate: 0.01, clipValue: 1.5, weightDecay: 0.1);
        foreach (var g in grads) { parameter.Grad = Tensor.FromArray(g, Length); adamax.Apply([parameter]); }

        var m = new float[Length];
        var u = new float[Length];
        for (int t = 1; t <= grads.Length; t++)
        {
            float stepSize = (float)(0.01 / (1 - Math.Pow(0.9, t)));
            for (int i = 0; i < Length; i++)
            {
                float g = Math.Clamp(grads[t - 1][i], -1.5f, 1.5f);
                w[i] -= w[i] * (float)(0.1 * 0.01);
                m[i] += (g - m[i]) * (float)(1 - 0.9);
                u[i] = Math.Max(u[i] * 0.999f, Math.Abs(g));
                w[i] -= m[i] * stepSize / (u[i] + 1e-7f);
            }
        }
        AssertSame(w, parameter.Data);
    }

    [Fact]
    public void Lion_MatchesScalarReference()
    {
        // keras/src/optimizers/lion.py update_step, with clipnorm and weight decay. Every weight moves by exactly
        // ±lr, so a wrong sign in any lane shows as a difference of 2·lr.
        var (parameter, w, grads) = Setup(7);
        var lion = new Lion(learningRate: 0.01, clipNorm: 100.0, weightDecay: 0.1);
        foreach (var g in grads) { parameter.Grad = Tensor.FromArray(g, Length); lion.Apply([parameter]); }

        var m = new float[Length];
        foreach (var gs in grads)
        {
            double norm = Math.Sqrt(gs.Sum(x => (double)x * x));
            float scale = (float)(100.0 / Math.Max(norm, 100.0));
            for (int i = 0; i < Length; i++)
            {
                float g = scale == 1f ? gs[i] : gs[i] * scale;
                w[i] -= w[i] * (float)(0.1 * 0.01);
                w[i] -= 0.01f * MathF.Sign(m[i] * 0.9f + g * (float)(1 - 0.9));
                m[i] = m[i] * 0.99f + g * (float)(1 - 0.99);
            }
        }
        AssertSame(w, parameter.Data);
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(-0.3)]
    public void Ftrl_MatchesScalarReference(double power)
    {
        // keras/src/optimizers/ftrl.py update_step with every regularization; −0.5 is the square-root path, −0.3
        // the exp·log one, which differs from MathF.Pow by a few ulps.
        var (parameter, w, grads) = Setup(8);
        var ftrl = new Ftrl(0.1, learningRatePower: power, l1RegularizationStrength: 0.01, l2RegularizationStrength: 0.01,
            l2ShrinkageRegularizationStrength: 0.02, beta: 0.5, clipValue: 1.5);
        foreach (var g in grads) { parameter.Grad = Tensor.FromArray(g, Length); ftrl.Apply([parameter]); }

        var n = Enumerable.Repeat(0.1f, Length).ToArray();
        var z = new float[Length];
        float twoL2 = (float)(2 * (0.01 + 0.5 / (2 * 0.1)));
        foreach (var gs in grads)
            for (int i = 0; i < Length; i++)
            {
                float g = Math.Clamp(gs[i], -1.5f, 1.5f);
                float newN = n[i] + g * g;
                float pNew = MathF.Pow(newN, (float)-power), pOld = MathF.Pow(n[i], (float)-power);
                z[i] += g + w[i] * 0.04f - (pNew - pOld) / 0.1f * w[i];
                w[i] = (Math.Clamp(z[i], -0.01f, 0.01f) - z[i]) / (pNew / 0.1f + twoL2);
                n[i] = newN;
            }
        for (int i = 0; i < Length; i++)
        {
            // z is a difference of terms far larger than itself, so its rounding is relative to those terms.
            double allowed = 1e-6 + 1e-5 * Math.Abs(w[i]);
            if (Math.Abs(w[i] - parameter.Data[i]) > allowed)
                Assert.Fail($"Element {i}: scalar reference {w[i]:R}, optimizer {parameter.Data[i]:R}.");
        }
    }

    [Fact]
    public void Nadam_Adagrad_And_Adadelta_AgreeAcrossTheVectorAndScalarPaths()
    {
        // The same values laid out as one long parameter (vector loops) and as 3-element parameters (scalar
        // tail only) must be updated identically.
        foreach (Func<Optimizer> make in new Func<Optimizer>[] { () => new Nadam(0.01), () => new Adagrad(0.1), () => new Adadelta(1.0),
                     () => new Adamax(0.01), () => new Lion(0.01), () => new Ftrl(0.1, learningRatePower: -0.3) })
        {
            var (parameter, _, grads) = Setup(4);
            const int pieceLength = 3;
            int pieces = Length / pieceLength;    // 33,923 pieces cover the first 101,769 values
            var small = new Tensor[pieces];
            for (int p = 0; p < pieces; p++)
                small[p] = Tensor.FromArray(parameter.Data.AsSpan(p * pieceLength, pieceLength).ToArray(), pieceLength);

            Optimizer wide = make(), narrow = make();
            foreach (var g in grads)
            {
                parameter.Grad = Tensor.FromArray(g, Length);
                for (int p = 0; p < pieces; p++)
                    small[p].Grad = Tensor.FromArray(g.AsSpan(p * pieceLength, pieceLength).ToArray(), pieceLength);
                wide.Apply([parameter]);
                narrow.Apply(small);
            }
            for (int p = 0; p < pieces; p++)
                for (int j = 0; j < pieceLength; j++)
                    Assert.Equal(parameter.Data[p * pieceLength + j], small[p].Data[j]);
        }
    }
}
