namespace Nabla.Tests.Activations;

using Nabla.Activations;

/// <summary>Activation values at a few points, against the formulas of Keras 3's keras/src/activations/activations.py
/// evaluated in double precision here (or, for gelu, the standard normal CDF Φ from tables).</summary>
public class ActivationValueTests
{
    private static readonly float[] Points = [-5f, -1f, -0.25f, 0f, 0.5f, 2f, 7f];

    public static TheoryData<string, Func<double, double>> Formulas => new()
    {
        { "linear", x => x },
        { "relu", x => Math.Max(x, 0) },
        { "relu6", x => Math.Min(Math.Max(x, 0), 6) },
        // keras.activations.leaky_relu(x, negative_slope=0.2)
        { "leaky_relu", x => x > 0 ? x : 0.2 * x },
        // keras.activations.elu(x, alpha=1.0)
        { "elu", x => x > 0 ? x : Math.Exp(x) - 1 },
        // keras.activations.selu: scale * elu(x, alpha) with alpha=1.67326324..., scale=1.05070098...
        { "selu", x => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.Exp(x) - 1)) },
        { "sigmoid", x => 1 / (1 + Math.Exp(-x)) },
        // Keras 3: hard_sigmoid = relu6(x + 3) / 6
        { "hard_sigmoid", x => Math.Min(Math.Max(x + 3, 0), 6) / 6 },
        { "tanh", Math.Tanh },
        { "softplus", x => Math.Log(1 + Math.Exp(x)) },
        { "softsign", x => x / (1 + Math.Abs(x)) },
        // keras.activations.silu(x) = x * sigmoid(x); "swish" is its alias
        { "silu", x => x / (1 + Math.Exp(-x)) },
        { "swish", x => x / (1 + Math.Exp(-x)) },
        { "exponential", Math.Exp },
        // keras.activations.gelu(x, approximate=True): 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3)))
        { "gelu_approximate", x => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))) },
    };

    [Theory, MemberData(nameof(Formulas))]
    public void MatchesTheKerasFormula(string name, Func<double, double> formula)
    {
        var activation = name == "gelu_approximate" ? new Gelu(approximate: true) : Activation.Get(name);
        var y = new float[Points.Length];
        activation.Forward(Points, y, Points.Length);
        for (int i = 0; i < Points.Length; i++)
            Assert.Equal(formula(Points[i]), y[i], 1e-5 * Math.Max(1, Math.Abs(formula(Points[i]))));
    }

    [Fact]
    public void ExactGeluIsXTimesTheNormalCdf()
    {
        // gelu(x) = x·Φ(x), keras.activations.gelu(approximate=False). Φ(1) = 0.8413447460685429,
        // Φ(0.5) = 0.6914624612740131, Φ(−1) = 0.15865525393145707, Φ(−3) = 0.0013498980316301035.
        var x = new float[] { 1f, 0.5f, -1f, -3f, 0f };
        var y = new float[5];
        new Gelu().Forward(x, y, 5);
        Assert.Equal(0.8413447460685429, y[0], 1e-6);
        Assert.Equal(0.5 * 0.6914624612740131, y[1], 1e-6);
        Assert.Equal(-0.15865525393145707, y[2], 1e-6);
        Assert.Equal(-3 * 0.0013498980316301035, y[3], 1e-7);
        Assert.Equal(0f, y[4]);
    }

    [Fact]
    public void KerasDefaultParameters()
    {
        // keras.activations.leaky_relu: negative_slope=0.2 (the LeakyReLU *layer* defaults to 0.3).
        Assert.Equal(0.2, ((LeakyRelu)Activation.Get("leaky_relu")).NegativeSlope);
        // keras.activations.elu: alpha=1.0.
        Assert.Equal(1.0, ((Elu)Activation.Get("elu")).Alpha);
        // keras.activations.selu: alpha=1.67326324235437728481704299167171, scale=1.05070098735548049341933498529460.
        Assert.Equal(1.6732632423543772, Selu.Alpha);
        Assert.Equal(1.0507009873554805, Selu.Scale);
        // keras.activations.gelu: approximate=False.
        Assert.False(((Gelu)Activation.Get("gelu")).Approximate);
    }

    [Fact]
    public void DoctorPropertiesMarkSaturatingAndReluFamilies()
    {
        string[] saturating = ["sigmoid", "tanh", "hard_sigmoid", "softsign"];
        string[] reluFamily = ["relu", "relu6", "leaky_relu", "elu", "selu"];
        foreach (var name in Activation.Registry.Names.Where(n => n == n.ToLowerInvariant()))
        {
            var activation = Activation.Get(name);
            Assert.Equal(saturating.Contains(name), activation.IsSaturating);
            Assert.Equal(reluFamily.Contains(name), activation.IsReluFamily);
        }
    }
}
