using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;

namespace Nabla;

/// <summary>
/// Keras's <c>Model</c> with its training API: <c>Compile</c>, <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c>.
/// Built three ways, as in Keras: from symbolic inputs and outputs (the functional API), as a
/// <see cref="Sequential"/> stack, or by deriving from it and overriding <see cref="Call(Tensor, bool)"/>.
/// Training replays one captured graph per batch shape, so a steady-state step allocates nothing.
/// A model is also a layer, as in Keras: it can be applied to symbolic tensors or stacked in another model, and
/// freezing it freezes every layer it holds.
/// </summary>
public partial class Model : Layer
{
    protected readonly List<Layer> layers = [];

    /// <summary>The functional graph; null for Sequential and subclassed models.</summary>
    private readonly FunctionalGraph? graph;

    /// <summary>For a subclass model, constructed in its constructor; Sequential passes its name.</summary>
    protected Model(string? name = null) : base(name, null) { }

    /// <summary>A functional model, as <c>keras.Model(inputs, outputs)</c>.</summary>
    public Model(SymbolicTensor inputs, SymbolicTensor outputs, string? name = null) : this([inputs], [outputs], name) { }

    public Model(SymbolicTensor[] inputs, SymbolicTensor outputs, string? name = null) : this(inputs, [outputs], name) { }

    public Model(SymbolicTensor inputs, SymbolicTensor[] outputs, string? name = null) : this([inputs], outputs, name) { }

    public Model(SymbolicTensor[] inputs, SymbolicTensor[] outputs, string? name = null) : this(inputs, outputs, [], name) { }

    /// <param name="unusedEnds">Ends of branches that reach no output, kept in the model (a loaded config's).</param>
    internal Model(SymbolicTensor[] inputs, SymbolicTensor[] outputs, SymbolicTensor[] unusedEnds, string? name)
        : this(name ?? LayerNames.Unique("functional"))
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        graph = new FunctionalGraph(inputs, outputs, unusedEnds, Name);
        layers.AddRange(graph.Layers);
        foreach (var input in graph.Inputs)
            if (input.Layer.DeclaredBatchSize is int batchSize) BindBatchSize(batchSize);
        // Kept, not recomputed: the data checks of every TrainOnBatch read them and must not allocate.
        graphInputShapes = graph.Inputs.Select(i => i.Shape).ToArray();
        graphOutputShapes = graph.Outputs.Select(o => o.Shape).ToArray();
        graphInputNames = graph.Inputs.Select(i => i.Name).ToArray();
        graphOutputNames = UniqueNames(graph.Outputs.Select(o => o.Name));
    }

    /// <summary>Output names after their layers, a repeated one suffixed _1, _2… as tf.keras names them (an LSTM's h and c
    /// both returned: "decoder", "decoder_1"), so that losses and metrics keyed by output name reach each output.</summary>
    private static string[] UniqueNames(IEnumerable<string> names)
    {
        var taken = new HashSet<string>();
        var counts = new Dictionary<string, int>();
        var result = new List<string>();
        foreach (var name in names)
        {
            string proposal = name;
            while (!taken.Add(proposal))
            {
                int count = counts.GetValueOrDefault(name, 1);
                proposal = $"{name}_{count}";
                counts[name] = count + 1;
            }
            result.Add(proposal);
        }
        return [.. result];
    }

    private readonly int[][]? graphInputShapes, graphOutputShapes;
    private readonly string[]? graphInputNames, graphOutputNames;

    /// <summary>The functional graph, null for Sequential and subclassed models.</summary>
    internal FunctionalGraph? Functional => graph;

    /// <summary>Keras's class name: "Functional", "Sequential", or the subclass's name.</summary>
    public override string ClassName => graph is not null ? "Functional" : GetType().Name;

    public IReadOnlyList<Layer> Layers
    {
        get
        {
            if (IsSubclassed && layers.Count == 0) TrackLayers();
            return layers;
        }
    }

    /// <summary>Keras's <c>model.get_layer(name)</c>: the layer of this name among <see cref="Layers"/>.</summary>
    public Layer GetLayer(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Layers.FirstOrDefault(l => l.Name == name)
            ?? throw new ArgumentException($"Model '{Name}' has no layer '{name}'; its layers are {string.Join(", ", Layers.Select(l => l.Name))}.", nameof(name));
    }

    /// <summary>Keras's <c>model.get_layer(index=i)</c>: the layer at this position of <see cref="Layers"/> (in the order the
    /// graph runs them).</summary>
    public Layer GetLayer(int index) => index >= 0 && index < Layers.Count ? Layers[index]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"Model '{Name}' has {Layers.Count} layers (indices 0 to {Layers.Count - 1}).");

    /// <summary>Resets the states of every layer that carries some (stateful recurrent layers), as Keras 2's
    /// <c>model.reset_states()</c>.</summary>
    public override void ResetStates()
    {
        foreach (var layer in Layers) layer.ResetStates();
    }

    public override bool CarriesStates => Layers.Any(l => l.CarriesStates);

    internal override Action? SnapshotStates()
    {
        var restores = Layers.Select(l => l.SnapshotStates()).OfType<Action>().ToArray();
        return restores.Length == 0 ? null : () => { foreach (var restore in restores) restore(); };
    }

    /// <summary>The functional model's symbolic inputs; empty for Sequential and subclassed models.</summary>
    public IReadOnlyList<SymbolicTensor> Inputs => graph?.Inputs ?? [];

    /// <summary>The functional model's symbolic outputs; empty for Sequential and subclassed models.</summary>
    public IReadOnlyList<SymbolicTensor> Outputs => graph?.Outputs ?? [];

    /// <summary>Set by a callback to end <c>Fit</c> after the current epoch (Keras's <c>model.stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss of the first output (the only one, for most models); see <see cref="Losses"/>.</summary>
    public Loss? Loss => losses.Length > 0 ? losses[0] : null;

    /// <summary>The compiled loss of each output, in order; null for an output trained without one.</summary>
    public IReadOnlyList<Loss?> Losses => losses;

    /// <summary>The per-sample input shape of the first (usually only) input, once known.</summary>
    public override int[]? InputShape => InputShapes is { Count: > 0 } shapes ? shapes[0] : null;

    /// <summary>The per-sample output shape of the first (usually only) output, once built.</summary>
    public override int[]? OutputShape => OutputShapes is { Count: > 0 } shapes ? shapes[0] : null;

    /// <summary>The per-sample shape of each input, once known.</summary>
    public virtual IReadOnlyList<int[]>? InputShapes => graphInputShapes ?? subclassInputShapes;

    /// <summary>The per-sample shape of each output, once built.</summary>
    public virtual IReadOnlyList<int[]>? OutputShapes => graphOutputShapes ?? subclassOutputShapes;

    /// <summary>Whether an input or output shape leaves an axis to the data (<see cref="Layer.UnknownDimension"/>).</summary>
    internal bool HasUnknownAxes => InputCount == 1 && OutputCount == 1
        ? IsUnknownIn(InputShape) || IsUnknownIn(OutputShape) // no list: TrainOnBatch checks this without allocating
        : AnyUnknown(InputShapes) || AnyUnknown(OutputShapes);

    private static bool IsUnknownIn(int[]? shape) => shape is not null && Array.IndexOf(shape, Layer.UnknownDimension) >= 0;

    private static bool AnyUnknown(IReadOnlyList<int[]>? shapes)
    {
        if (shapes is null) return false;
        for (int i = 0; i < shapes.Count; i++)
            if (Array.IndexOf(shapes[i], Layer.UnknownDimension) >= 0) return true;
        return false;
    }

    /// <summary>The output shapes for inputs of these per-sample shapes: <see cref="OutputShapes"/>, each unknown axis
    /// (Keras's None) resolved by passing the data's shapes through the layer calls.</summary>
    internal IReadOnlyList<int[]> OutputShapesFor(IReadOnlyList<int[]> inputShapes)
    {
        var declared = OutputShapes!;
        if (!AnyUnknown(declared)) return declared;
        if (graph is null)
        {
            int[] shape = inputShapes[0];
            foreach (var layer in Layers) shape = layer.BuildForCall([shape])[0];
            return [shape];
        }
        var shapes = new Dictionary<SymbolicTensor, int[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < graph.Inputs.Length; i++) shapes[graph.Inputs[i]] = inputShapes[i];
        foreach (var node in graph.Nodes)
        {
            var made = node.Layer.BuildForCall([.. node.Inputs.Select(t => shapes[t])], node.Options);
            for (int k = 0; k < made.Count; k++) shapes[node.Outputs[k]] = made[k];
        }
        return graph.Outputs.Select(o => shapes[o]).ToArray();
    }

    /// <summary>The output shapes for the per-sample shapes of the arrays <paramref name="x"/>.</summary>
    internal IReadOnlyList<int[]> OutputShapesFor(IReadOnlyList<Tensor> x) =>
        HasUnknownAxes ? OutputShapesFor([.. x.Select(t => t.Shape[1..])]) : OutputShapes!;

    /// <summary>Output <paramref name="output"/>'s per-sample shape for the arrays <paramref name="x"/>; allocates nothing
    /// when no axis is unknown.</summary>
    internal int[] OutputShapeFor(IReadOnlyList<Tensor> x, int output) =>
        HasUnknownAxes ? OutputShapesFor(x)[output] : OutputCount == 1 ? OutputShape! : OutputShapes![output];

    /// <summary>Each input's name (its input layer's), which keys dictionaries of data.</summary>
    public virtual IReadOnlyList<string> InputNames => graphInputNames ?? ["input_layer"];

    /// <summary>Each output's name (the layer producing it), which keys losses, metrics, data and history entries.</summary>
    public virtual IReadOnlyList<string> OutputNames => graphOutputNames ?? ["output"];

    public int InputCount => graph?.Inputs.Length ?? 1;

    public int OutputCount => graph?.Outputs.Length ?? 1;

    public override bool IsBuilt => graph is not null || (IsSubclassed ? subclassOutputShapes is not null : layers.Count > 0 && layers.TrueForAll(l => l.IsBuilt));

    /// <summary>All weights in Keras order (layer by layer; within a layer trainable first), each once even when
    /// a nested model shares a layer with its host.</summary>
    public override IReadOnlyList<Tensor> Weights => DistinctWeights(l => l.Weights);

    public override IReadOnlyList<Tensor> TrainableWeights => DistinctWeights(l => l.TrainableWeights);

    public override IReadOnlyList<Tensor> NonTrainableWeights => DistinctWeights(l => l.NonTrainableWeights);

    private List<Tensor> DistinctWeights(Func<Layer, IReadOnlyList<Tensor>> select) =>
        Layers.SelectMany(select).Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>().ToList();

    /// <summary>Builds the model for a per-sample input shape (the batch axis excluded). A functional model is
    /// built from its inputs already and only checks the shape; a subclassed model runs its Call once.</summary>
    public override void Build(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (graph is not null)
        {
            if (graph.Inputs.Length != 1 || !Tensor.SameShape(graph.Inputs[0].Shape, inputShape))
                throw new ArgumentException(
                    $"Model '{Name}' was built for inputs {Merge.DescribeAll(InputShapes!)}, not {Layer.Describe(inputShape)}.");
            return;
        }
        BuildSubclassed(inputShape);
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
        for (int i = 0; i < weights.Count; i++)
        {
            int bad = Array.FindIndex(values[i].Data, v => !float.IsFinite(v));
            if (bad >= 0)
                throw new ArgumentException(
                    $"Weight {i} ('{weights[i].Name}') value [{bad}] is {values[i].Data[bad]}: weights must be finite numbers.");
        }
        for (int i = 0; i < weights.Count; i++) values[i].Data.CopyTo(weights[i].Data, 0);
        foreach (var layer in Layers) layer.OnWeightsChanged();
    }

    internal void EnsureBuilt(string operation)
    {
        if (!IsBuilt)
            throw new InvalidOperationException(
                $"{operation}: model '{Name}' is not built yet; give the first layer an inputShape, call Build, or Fit it first.");
    }

    /// <summary>
    /// The model's forward pass on batches, one per input, returning one batch per output; each layer's first
    /// output goes into <paramref name="layerOutputs"/> (aligned with <see cref="Layers"/>) when the model knows it,
    /// and each layer call's observation points into <paramref name="activities"/>, in call order.
    /// </summary>
    internal virtual Tensor[] Forward(IReadOnlyList<Tensor> inputs, bool training, Tensor?[]? layerOutputs, List<LayerActivity>? activities = null)
    {
        foreach (var layer in Layers) layer.ClearActivityPenalties();
        if (graph is not null) return graph.Run(inputs, training, layerOutputs, activities);
        return [CallSubclassed(inputs[0], training)];
    }
}
