using Nabla.Layers;

namespace Nabla.Tests.Models.Functional;

/// <summary>A captured step's observation points line up with the model's layers even when a layer is called twice,
/// so the doctor reads each layer (the output layer's softmax, not the layer before it) at its own index.</summary>
public class SharedLayerObservationTests
{
    [Fact]
    public void Activities_are_aligned_with_the_layers_when_a_layer_is_shared()
    {
        Utils.SetRandomSeed(5);
        var left = new Input([4], name: "left");
        var right = new Input([4], name: "right");
        var shared = new Dense(8, activation: "relu", name: "shared");
        var joined = new Concatenate(name: "joined").Apply(shared.Apply(left), shared.Apply(right));
        var output = new Dense(3, activation: "softmax", name: "classes").Apply(new Dense(8, activation: "tanh", name: "head").Apply(joined));
        var model = new Model([left, right], output);
        model.Compile("adam", "sparse_categorical_crossentropy");
        var x = new[] { Tensor.FromArray(new float[8], 2, 4), Tensor.FromArray(new float[8], 2, 4) };
        var step = model.CaptureGradientStep(x, [Tensor.FromArray([0f, 1f], 2, 1)]);

        Assert.Equal(model.Layers.Count, step.Activities.Count);
        for (int i = 0; i < model.Layers.Count; i++) Assert.Same(model.Layers[i], step.Activities[i].Layer);
        int classes = model.Layers.ToList().FindIndex(l => l.Name == "classes");
        Assert.Equal("softmax", step.Activities[classes].Activation!.Name);
    }
}
