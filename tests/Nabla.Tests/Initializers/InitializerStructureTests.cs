using Nabla.Configuration;

namespace Nabla.Tests.Initializers;

using Nabla.Initializers;

public class InitializerStructureTests
{
    /// <summary>Max |AᵀA − gain²·I| for the columns of a rows×cols matrix.</summary>
    private static double ColumnOrthonormalityError(float[] a, int rows, int cols, double gain)
    {
        double worst = 0;
        for (int i = 0; i < cols; i++)
            for (int j = 0; j < cols; j++)
            {
                double dot = 0;
                for (int r = 0; r < rows; r++) dot += (double)a[r * cols + i] * a[r * cols + j];
                worst = Math.Max(worst, Math.Abs(dot - (i == j ? gain * gain : 0)));
            }
        return worst;
    }

    private static float[] Transpose(float[] a, int rows, int cols)
    {
        var t = new float[a.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
        return t;
    }

    [Fact]
    public void OrthogonalTallMatrixHasOrthonormalColumns() =>
        Assert.True(ColumnOrthonormalityError(new Orthogonal(seed: 1).Create(50, 30).Data, 50, 30, 1) < 1e-5);

    [Fact]
    public void OrthogonalWideMatrixHasOrthonormalRows() =>
        Assert.True(ColumnOrthonormalityError(Transpose(new Orthogonal(seed: 2).Create(20, 45).Data, 20, 45), 45, 20, 1) < 1e-5);

    [Fact]
    public void OrthogonalGainAndConvolutionShape()
    {
        // [3, 3, 4, 8] is initialized as a 36×8 matrix (Keras flattens all but the last axis), times gain 2
        var data = new Orthogonal(gain: 2, seed: 3).Create(3, 3, 4, 8).Data;
        Assert.True(ColumnOrthonormalityError(data, 36, 8, 2) < 1e-4);
    }

    [Fact]
    public void OrthogonalRejectsVectors()
    {
        var e = Assert.Throws<ArgumentException>(() => new Orthogonal().Create(5));
        Assert.Contains("[5]", e.Message);
    }

    [Fact]
    public void OrthogonalExpectedStdMatchesItsValues()
    {
        var data = new Orthogonal(seed: 4).Create(400, 300).Data;
        double std = Math.Sqrt(data.Average(v => (double)v * v));
        Assert.Equal(new Orthogonal().ExpectedStd(400, 300), std, 1e-3); // 1/√400: 300 unit columns over 120,000 entries
    }

    [Fact]
    public void IdentityIsGainTimesEye()
    {
        var data = new Identity(gain: 2).Create(3, 4).Data;
        Assert.Equal([2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0], data);
        Assert.Throws<ArgumentException>(() => new Identity().Create(2, 2, 2));
    }

    public static TheoryData<Initializer> AllInitializers() => new(
        new Zeros(), new Ones(), new Constant(0.5), new RandomNormal(0.1, 0.2, 7), new RandomUniform(-1, 2, 8),
        new TruncatedNormal(0, 0.3, 9), new VarianceScaling(2, "fan_out", "untruncated_normal", 10),
        new GlorotUniform(11), new GlorotNormal(), new HeUniform(12), new HeNormal(), new LecunUniform(), new LecunNormal(13),
        new Orthogonal(1.5, 14), new Identity(3));

    [Theory]
    [MemberData(nameof(AllInitializers))]
    public void ConfigRoundTripsThroughJson(Initializer init)
    {
        string json = Nabla.Initializers.Initializer.Serialize(init).ToJsonString();
        var rebuilt = Nabla.Initializers.Initializer.Deserialize(Config.Parse(json));
        Assert.Equal(init.GetType(), rebuilt.GetType());
        Assert.Equal(json, Nabla.Initializers.Initializer.Serialize(rebuilt).ToJsonString());
    }

    [Fact]
    public void PresetsKeepTheirClassNameAndWriteOnlyTheSeed()
    {
        // Keras 3 HeUniform.get_config returns {"seed": ...} only; class_name stays "HeUniform"
        Assert.Equal("{\"class_name\":\"HeUniform\",\"config\":{\"seed\":null}}",
            Nabla.Initializers.Initializer.Serialize(new HeUniform()).ToJsonString());
    }

    [Fact]
    public void TensorFlowJsVarianceScalingReadsAsHeUniform()
    {
        // TensorFlow.js writes he_uniform as VarianceScaling(scale 2, fan_in, uniform)
        var init = Nabla.Initializers.Initializer.Deserialize(Config.Parse(
            "{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 2, \"mode\": \"fan_in\", \"distribution\": \"uniform\", \"seed\": null}}"));
        var vs = Assert.IsType<VarianceScaling>(init);
        Assert.Equal(2.0, vs.Scale);
        Assert.Equal(new HeUniform().ExpectedStd(784, 128), vs.ExpectedStd(784, 128), 1e-12);
    }

    [Theory]
    [InlineData("he_uniform")]
    [InlineData("HeUniform")]
    public void RegistryAcceptsBothSpellings(string name) =>
        Assert.IsType<HeUniform>(Nabla.Initializers.Initializer.Get(name));

    [Fact]
    public void UnknownNamesListTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Nabla.Initializers.Initializer.Get("he_unifrom"));
        Assert.Contains("he_unifrom", e.Message);
        Assert.Contains("glorot_uniform", e.Message);
    }

    [Fact]
    public void BadVarianceScalingArgumentsAreNamed()
    {
        Assert.Contains("fan_sum", Assert.Throws<ArgumentException>(() => new VarianceScaling(mode: "fan_sum")).Message);
        Assert.Contains("gaussian", Assert.Throws<ArgumentException>(() => new VarianceScaling(distribution: "gaussian")).Message);
        Assert.Contains("-1", Assert.Throws<ArgumentException>(() => new VarianceScaling(scale: -1)).Message);
    }
}
