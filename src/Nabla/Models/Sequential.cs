using Nabla.Layers;
using Nabla.Configuration;

namespace Nabla;

/// <summary>Keras's <c>Sequential</c>: each layer feeds the next.</summary>
public sealed class Sequential : Model
{
    public Sequential(params Layer[] layers) : this(layers, null) { }

    public Sequential(IEnumerable<Layer> layers, string? name) : base(name)
    {
        foreach (var layer in layers) Add(layer);
    }

    /// <summary>Appends a layer. Once the input shape is known the model builds eagerly, as Keras does.</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is InputLayer && layers.Count > 0)
            throw new ArgumentException($"An InputLayer can only be the first layer; model '{Name}' already has {layers.Count}.");
        if (layers.Any(l => l.Name == layer.Name))
            throw new ArgumentException($"Model '{Name}' already has a layer named '{layer.Name}'; layer names must be unique.");
        layers.Add(layer);
        InvalidateCapturedGraphs();
        var firstShape = layers[0].InputShape ?? layers[0].DeclaredInputShape;
        if (firstShape is not null) Build(firstShape);
    }

    /// <summary>Keras's <c>model.get_config()</c> for a Sequential model.</summary>
    public Config GetConfig() => new()
    {
        ["name"] = Name,
        ["trainable"] = true,
        ["layers"] = layers.Select(l => (object?)Registry<Layer>.Serialize(l)).ToList(),
    };

    /// <summary>Rebuilds a Sequential model from its Keras config (Keras 2, Keras 3 or TensorFlow.js form).</summary>
    public static Sequential FromConfig(Config config)
    {
        if (!config.TryGet("layers", out var value) || value is not IEnumerable<object?> list)
            throw new ArgumentException("Sequential config needs a 'layers' list.");
        var layers = list.Select((item, i) => item is Config c
            ? Layer.Deserialize(c)
            : throw new ArgumentException($"Sequential config 'layers[{i}]' must be an object, found {Config.Describe(item)}."));
        return new Sequential(layers.ToList(), config.GetString("name", null));
    }
}
