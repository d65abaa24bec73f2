using Nabla.Configuration;

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
        Assert.IsType(expected, Activation.Get(name));

    [Fact]
    public void NullMeansLinear()
    {
        Assert.IsType<Linear>(Activation.Get(null));
        Assert.IsType<Linear>(Activation.Deserialize(null));
    }

    [Fact]
    public void UnknownNamesThrowListingTheValidOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => Activation.Get("rellu"));
        Assert.Contains("rellu", error.Message);
        Assert.Contains("relu", error.Message);
        Assert.Contains("softmax", error.Message);
    }

    [Fact]
    public void EveryActivationRoundTripsThroughItsConfig()
    {
        var all = Activation.Registry.Names.Select(n => Activation.Get(n))
            .Append(new LeakyRelu(0.05)).Append(new Elu(0.5)).Append(new Gelu(approximate: true));
        foreach (var activation in all)
        {
            var rebuilt = Activation.Get(activation.ClassName, activation.GetConfig());
            Assert.Equal(activation.GetType(), rebuilt.GetType());
            Assert.Equal(activation.GetConfig(), rebuilt.GetConfig());
            var viaJson = Activation.Deserialize(Config.Parse(Registry<Activation>.Serialize(activation).ToJsonString()));
            Assert.Equal(activation.GetConfig(), viaJson.GetConfig());
        }
        Assert.Equal(0.05, ((LeakyRelu)Activation.Get("LeakyReLU", new LeakyRelu(0.05).GetConfig())).NegativeSlope);
    }

    [Fact]
    public void SerializeWritesTheKerasStringForDefaults()
    {
        Assert.Equal("relu", Activation.Serialize(Activation.Get("ReLU")));
        Assert.Equal("leaky_relu", Activation.Serialize(new LeakyRelu()));
        Assert.Equal("silu", Activation.Serialize(Activation.Get("swish")));
        Assert.Equal("linear", Activation.Serialize(Activation.Get(null)));
        Assert.Equal("gelu", Activation.Serialize(new Gelu()));
    }

    [Fact]
    public void SerializeKeepsNonDefaultParameters()
    {
        var written = Assert.IsType<Config>(Activation.Serialize(new LeakyRelu(0.1)));
        Assert.Equal("LeakyReLU", written["class_name"]);
        var back = Assert.IsType<LeakyRelu>(Activation.Deserialize(written));
        Assert.Equal(0.1, back.NegativeSlope);
        Assert.IsType<Relu>(Activation.Deserialize("relu"));
    }
}
