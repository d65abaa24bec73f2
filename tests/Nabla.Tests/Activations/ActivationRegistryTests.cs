using Nabla.Serialization;

namespace Nabla.Tests.Activations;

using Nabla.Activations;

public class ActivationRegistryTests
{
    [Theory]
    [InlineData("relu", typeof(Relu))]
    [InlineData("ReLU", typeof(Relu))]
    [InlineData("LeakyReLU", typeof(LeakyRelu))]
    [InlineData("leaky_relu", typeof(LeakyRelu))]
    [InlineData("swish", typeof(Silu))]
    [InlineData("silu", typeof(Silu))]
    [InlineData("HardSigmoid", typeof(HardSigmoid))]
    [InlineData("softmax", typeof(Softmax))]
    [InlineData("linear", typeof(Linear))]
    public void AcceptsIdentifiersAndClassNames(string name, Type expected) =>
        Assert.IsType(expected, Activations.Get(name));

    [Fact]
    public void NullMeansLinear()
    {
        Assert.IsType<Linear>(Activations.Get(null));
        Assert.IsType<Linear>(Activations.Deserialize(null));
    }

    [Fact]
    public void UnknownNamesThrowListingTheValidOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => Activations.Get("rellu"));
        Assert.Contains("rellu", error.Message);
        Assert.Contains("relu", error.Message);
        Assert.Contains("softmax", error.Message);
    }

    [Fact]
    public void EveryActivationRoundTripsThroughItsConfig()
    {
        var all = Activations.Registry.Names.Select(n => Activations.Get(n))
            .Append(new LeakyRelu(0.05)).Append(new Elu(0.5)).Append(new Gelu(approximate: true));
        foreach (var activation in all)
        {
            var rebuilt = Activations.Get(activation.ClassName, activation.GetConfig());
            Assert.Equal(activation.GetType(), rebuilt.GetType());
            Assert.Equal(activation.GetConfig(), rebuilt.GetConfig());
            var viaJson = Activations.Deserialize(Config.Parse(Registry<Activation>.Serialize(activation).ToJsonString()));
            Assert.Equal(activation.GetConfig(), viaJson.GetConfig());
        }
        Assert.Equal(0.05, ((LeakyRelu)Activations.Get("LeakyReLU", new LeakyRelu(0.05).GetConfig())).NegativeSlope);
    }

    [Fact]
    public void SerializeWritesTheKerasStringForDefaults()
    {
        Assert.Equal("relu", Activations.Serialize(Activations.Get("ReLU")));
        Assert.Equal("leaky_relu", Activations.Serialize(new LeakyRelu()));
        Assert.Equal("silu", Activations.Serialize(Activations.Get("swish")));
        Assert.Equal("linear", Activations.Serialize(Activations.Get(null)));
        Assert.Equal("gelu", Activations.Serialize(new Gelu()));
    }

    [Fact]
    public void SerializeKeepsNonDefaultParameters()
    {
        var written = Assert.IsType<Config>(Activations.Serialize(new LeakyRelu(0.1)));
        Assert.Equal("LeakyReLU", written["class_name"]);
        var back = Assert.IsType<LeakyRelu>(Activations.Deserialize(written));
        Assert.Equal(0.1, back.NegativeSlope);
        Assert.IsType<Relu>(Activations.Deserialize("relu"));
    }
}
