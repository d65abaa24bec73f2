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

    public override string ClassName => "Sequential";

    /// <summary>Appends a layer. Once the input shape is known the model builds eagerly, as Keras does.</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is InputLayer && layers.Count > 0)
            throw new ArgumentException($"An InputLayer can only be the first layer; model '{Name}' already has {layers.Count}.");
        if (layer.TensorsPerCall != 1)
            throw new ArgumentException(
                $"Layer '{layer.Name}' ({layer.ClassName}) makes {layer.TensorsPerCall} tensors per call; every layer of a Sequential " +
                "model must make one, as in Keras. Use a functional model (ApplyAll).");
        if (layers.Any(l => l.Name == layer.Name))
            throw new ArgumentException($"Model '{Name}' already has a layer named '{layer.Name}'; layer names must be unique.");
        layers.Add(layer);
        if (layers[0].DeclaredBatchSize is int batchSize) layer.BindBatchSize(batchSize);
        InvalidateCapturedGraphs();
        var firstShape = layers[0].InputShape ?? layers[0].DeclaredInputShape;
        if (firstShape is not null) Build(firstShape);
    }

    public override int[]? InputShape => layers.Count > 0 ? layers[0].InputShape : null;

    public override int[]? OutputShape => layers.Count > 0 ? layers[^1].OutputShape : null;

    public override IReadOnlyList<int[]>? InputShapes => layers.Count > 0 && layers[0].InputShape is { } shape ? [shape] : null;

    public override IReadOnlyList<int[]>? OutputShapes => layers.Count > 0 && layers[^1].OutputShape is { } shape ? [shape] : null;

    /// <summary>The InputLayer's name when the model starts with one, else Keras's default input name.</summary>
    public override IReadOnlyList<string> InputNames => [layers.Count > 0 && layers[0] is InputLayer input ? input.Name : "input_layer"];

    public override IReadOnlyList<string> OutputNames => [layers.Count > 0 ? layers[^1].Name : "output"];

    /// <summary>Every layer but the leading InputLayer, which only declares the input.</summary>
    internal override IReadOnlyList<Layer>? PlainChain() => layers.Where(l => l is not InputLayer).ToList();

    public override bool IsBuilt => layers.Count > 0 && layers.TrueForAll(l => l.IsBuilt);

    /// <summary>Builds every layer for a per-sample input shape (the batch axis excluded).</summary>
    public override void Build(int[] inputShape)
    {
        if (layers.Count == 0) throw new InvalidOperationException($"Model '{Name}' has no layers.");
        int[] shape = inputShape;
        // The weights of all layers count against one budget, checked before each is allocated.
        using var budget = WeightBudget.Begin($"model '{Name}'");
        foreach (var layer in layers)
        {
            if (layer.IsBuilt) budget.Count(layer.Weights);
            layer.Build(shape);
            shape = layer.OutputShape!;
        }
    }

    internal override Tensor[] Forward(IReadOnlyList<Tensor> inputs, bool training, Tensor?[]? layerOutputs, List<LayerActivity>? activities = null)
    {
        Tensor h = inputs[0];
        foreach (var layer in layers) layer.ClearActivityPenalties();
        for (int i = 0; i < layers.Count; i++)
        {
            h = layers[i].CallWithMask(h, training);
            if (layerOutputs is not null) layerOutputs[i] = h;
            activities?.Add(layers[i].Observe(h));
        }
        return [h];
    }

    /// <summary>Keras's <c>model.get_config()</c> for a Sequential model.</summary>
    public override Config GetConfig()
    {
        var entries = layers.Select(Registry<Layer>.Serialize).ToList();
        if (entries.Count > 0) WriteCarriedBatchSize(entries[0]);
        return new() { ["name"] = Name, ["trainable"] = Trainable, ["layers"] = entries.Cast<object?>().ToList() };
    }

    /// <summary>Rebuilds a Sequential model from its Keras config (Keras 2, Keras 3 or TensorFlow.js form).</summary>
    public static Sequential FromConfig(Config config)
    {
        Layer.RefuseNull(config, "Sequential", "trainable");
        if (!config.TryGet("layers", out var value) || value is not IEnumerable<object?> list)
            throw new ArgumentException("Sequential config needs a 'layers' list.");
        Layer.RefuseStringLayers(list);
        var layers = list.Select((item, i) => item is Config c
            ? Layer.Deserialize(c)
            : throw new ArgumentException($"Sequential config 'layers[{i}]' must be an object, found {Config.Describe(item)}.")).ToList();
        if (layers.Count == 0 || layers.TrueForAll(l => l is InputLayer))
            throw new ArgumentException("Sequential config 'layers' holds no layer: a model needs at least one.");
        var model = new Sequential(layers, config.GetString("name", null));
        if (!config.GetBool("trainable", true)) model.Trainable = false;
        return model;
    }
}
