using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;

namespace Nabla.Tests.Serialization;

/// <summary>Registering a custom class for loading is one public call, as Keras's register_keras_serializable.</summary>
public class CustomRegistrationTests
{
    /// <summary>A user's layer: doubles its input.</summary>
    private sealed class Doubler(string? name = null, int[]? inputShape = null) : Layer(name, inputShape)
    {
        public override string ClassName => "TestDoubler";

        public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

        public override Tensor Call(Tensor inputs, bool training)
        {
            CheckInput(inputs);
            return inputs * 2f;
        }

        public static Doubler FromConfig(Config config)
        {
            var (name, inputShape) = BaseArgs(config);
            return new Doubler(name, inputShape);
        }
    }

    [Fact]
    public void RegisteredCustomLayerLoadsFromKerasJson()
    {
        Layer.Register("TestDoubler", Doubler.FromConfig);
        var json = KerasModelJson.ToJson(new Sequential(new Doubler(inputShape: [3]), new Dense(2)));
        var loaded = KerasModelJson.FromJson(json);
        Assert.IsType<Doubler>(loaded.Layers[0]);
    }

    [Fact]
    public void RegisteringATakenNameIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => Layer.Register("dense", Dense.FromConfig));
        Assert.Contains("already taken by Dense", error.Message);
    }
}
