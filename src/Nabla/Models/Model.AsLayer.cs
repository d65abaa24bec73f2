using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla;

/// <summary>
/// A model used as a layer of another model, as Keras allows (<c>outer = Model(x, inner(x))</c>,
/// <c>Sequential([base, Softmax()])</c>): its weights, kernels and penalties are those of its layers, calling it runs
/// its forward pass in the host's graph, and freezing it freezes every layer it holds.
/// </summary>
public partial class Model
{
    /// <summary>Keras's <c>model.trainable</c>: setting it sets every layer's <see cref="Layer.Trainable"/>, so a frozen
    /// model requests no weight gradients. It takes effect at the next training step of this model or of a model
    /// holding it (Keras needs compile again; Nabla captures the step again).</summary>
    public override bool Trainable
    {
        get => base.Trainable;
        set
        {
            base.Trainable = value;
            foreach (var layer in Layers) layer.Trainable = value;
        }
    }

    internal override int TrainableChanges
    {
        get
        {
            int changes = base.TrainableChanges;
            var all = Layers;
            // A loop, not LINQ: read before every training step, which must not allocate.
            for (int i = 0; i < all.Count; i++) changes += all[i].TrainableChanges;
            return changes;
        }
    }

    public override IReadOnlyList<LayerKernel> Kernels =>
        Layers.SelectMany(l => l.Kernels).DistinctBy(k => k.Weight, ReferenceEqualityComparer.Instance).ToList();

    public override IEnumerable<(Tensor Weight, Constraints.Constraint Constraint)> WeightConstraints => Layers.SelectMany(l => l.WeightConstraints);

    public override IEnumerable<Tensor> PenaltyLosses() => Layers.SelectMany(l => l.PenaltyLosses()).Concat(ActivityPenalties);

    internal override int? CarriedBatchSize
    {
        get
        {
            foreach (var layer in Layers)
                if (layer.CarriedBatchSize is int size) return size;
            return null;
        }
    }

    internal override void BindBatchSize(int batchSize)
    {
        foreach (var layer in Layers) layer.BindBatchSize(batchSize);
    }

    /// <summary>Keras reads a stateful model's batch size from its input declaration (an InputLayer's batch_shape, or a
    /// Sequential's first layer's): the batch size the model's states are bound to is written there when it is open.</summary>
    internal void WriteCarriedBatchSize(Config layerEntry)
    {
        if (CarriedBatchSize is int size && layerEntry.GetConfig("config") is { } config
            && config.TryGet("batch_shape", out var value) && value is List<object?> { Count: > 0 } shape && shape[0] is null)
            shape[0] = (long)size;
    }

    protected internal override void OnWeightsChanged()
    {
        foreach (var layer in Layers) layer.OnWeightsChanged();
    }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        Build(inputShape);
        return OutputShape!;
    }

    /// <summary>Checks the shapes the host feeds this model (a functional model is built for its inputs; a Sequential or
    /// subclassed one builds for them) and returns the shape of its one output.</summary>
    protected internal override int[] BuildForInputs(IReadOnlyList<int[]> inputShapes)
    {
        if (OutputCount != 1)
            throw new NotSupportedException(
                $"Model '{Name}' has {OutputCount} outputs: a model used as a layer must have one output in Nabla.");
        if (graph is null) return base.BuildForInputs(inputShapes);
        if (inputShapes.Count != graph.Inputs.Length
            || !inputShapes.Select((s, i) => Fits(graph.Inputs[i].Shape, s)).All(fits => fits))
            throw new ArgumentException(
                $"Model '{Name}' expects inputs {Merge.DescribeAll(InputShapes!)}, but receives {Merge.DescribeAll(inputShapes)}.");
        return HasUnknownAxes ? OutputShapesFor(inputShapes)[0] : OutputShape!;
    }

    /// <summary>Runs the model on the batches of its inputs inside a host model's graph.</summary>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (OutputCount != 1)
            throw new ArgumentException($"Model '{Name}' has {OutputCount} outputs; call Call(Tensor[]) to get them all.");
        return inputs.Count == 1 ? Call(inputs[0], training) : Call(inputs.ToArray(), training)[0];
    }

    /// <summary>Keras's <c>model.get_config()</c>: a functional model's graph. A subclassed model has none unless it
    /// overrides this, as in Keras.</summary>
    public override Config GetConfig() => graph is not null
        ? FunctionalConfig.ToConfig(this)
        : throw new NotSupportedException(
            $"Model '{Name}' is a subclassed model ({GetType().Name}): its architecture is code, so it has no Keras config " +
            "unless it overrides GetConfig. Save its weights with SaveWeights, or build it functionally to save it whole.");
}
