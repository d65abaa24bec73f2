using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;

namespace Nabla;

/// <summary>
/// A trainable stack of layers with Keras's training API: <c>Compile</c>, <c>Fit</c>, <c>Evaluate</c>,
/// <c>Predict</c>. Training replays one captured graph per batch shape, so a steady-state step allocates nothing.
/// </summary>
public abstract partial class Model
{
    protected readonly List<Layer> layers = [];

    protected Model(string? name) => Name = name ?? LayerNames.Unique(LayerNames.SnakeCase(GetType().Name));

    public string Name { get; }

    public IReadOnlyList<Layer> Layers => layers;

    /// <summary>Set by a callback to end <c>Fit</c> after the current epoch (Keras's <c>model.stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    public Optimizer? Optimizer { get; private set; }

    public Loss? Loss { get; private set; }

    /// <summary>The per-sample input shape, once known.</summary>
    public int[]? InputShape => layers.Count > 0 ? layers[0].InputShape : null;

    /// <summary>The per-sample output shape, once built.</summary>
    public int[]? OutputShape => layers.Count > 0 ? layers[^1].OutputShape : null;

    public bool IsBuilt => layers.Count > 0 && layers.TrueForAll(l => l.IsBuilt);

    /// <summary>All weights in Keras order (layer by layer; within a layer trainable first).</summary>
    public IReadOnlyList<Tensor> Weights => layers.SelectMany(l => l.Weights).ToList();

    public IReadOnlyList<Tensor> TrainableWeights => layers.SelectMany(l => l.TrainableWeights).ToList();

    public IReadOnlyList<Tensor> NonTrainableWeights => layers.SelectMany(l => l.NonTrainableWeights).ToList();

    public int CountParams() => layers.Sum(l => l.CountParams());

    /// <summary>Builds every layer for a per-sample input shape (the batch axis excluded).</summary>
    public void Build(int[] inputShape)
    {
        if (layers.Count == 0) throw new InvalidOperationException($"Model '{Name}' has no layers.");
        int[] shape = inputShape;
        foreach (var layer in layers)
        {
            layer.Build(shape);
            shape = layer.OutputShape!;
        }
    }

    /// <summary>Copies of the weights, in Keras order and layout (Dense: kernel [in, out], then bias [out]).</summary>
    public IReadOnlyList<Tensor> GetWeights()
    {
        EnsureBuilt(nameof(GetWeights));
        return Weights.Select(w => w.Clone()).ToList();
    }

    /// <summary>Replaces the weights' values, in the order of <see cref="GetWeights"/>. Every shape is
    /// checked before any value is written.</summary>
    public void SetWeights(IReadOnlyList<Tensor> values)
    {
        EnsureBuilt(nameof(SetWeights));
        var weights = Weights;
        if (values.Count != weights.Count)
            throw new ArgumentException($"Model '{Name}' has {weights.Count} weights but {values.Count} were given.");
        for (int i = 0; i < weights.Count; i++)
            if (!Tensor.SameShape(weights[i].Shape, values[i].Shape))
                throw new ArgumentException(
                    $"Weight {i} ('{weights[i].Name}') has shape {Tensor.ShapeString(weights[i].Shape)}, " +
                    $"the value given has {Tensor.ShapeString(values[i].Shape)}.");
        for (int i = 0; i < weights.Count; i++) values[i].Data.CopyTo(weights[i].Data, 0);
        foreach (var layer in layers) layer.OnWeightsChanged();
    }

    internal void EnsureBuilt(string operation)
    {
        if (!IsBuilt)
            throw new InvalidOperationException(
                $"{operation}: model '{Name}' is not built yet; give the first layer an inputShape, call Build, or Fit it first.");
    }
}
