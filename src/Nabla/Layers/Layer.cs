using Nabla.Autograd;
using Nabla.Initializers;
using Nabla.Regularizers;
using Nabla.Configuration;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// A Keras layer: it owns weights, builds them lazily from the first input shape (the batch axis is
/// never part of a layer's shapes), and maps a batch of inputs to outputs through recorded ops.
/// </summary>
/// <remarks>
/// The contract every layer meets, so that nothing outside a layer needs its concrete type:
/// <list type="bullet">
/// <item>its weights (<see cref="Weights"/>), its graph (<see cref="Call(Tensor, bool)"/>) and its penalty losses
/// (<see cref="PenaltyLosses"/>, Keras's <c>layer.losses</c>);</item>
/// <item>observation points for the training doctor: its kernels with their fans (<see cref="Kernels"/>) and,
/// for one call, its pre-activation and activation tensors with the activation function
/// (<see cref="Observe"/>; units are indexed by the last axis);</item>
/// <item>a frozen layer (<see cref="Trainable"/> false) requests no weight gradients.</item>
/// </list>
/// </remarks>
public abstract partial class Layer : IKerasSerializable
{
    private readonly List<Tensor> trainableWeights = [];
    private readonly List<Tensor> nonTrainableWeights = [];
    private readonly List<LayerKernel> kernels = [];
    private readonly List<(Tensor Weight, Regularizer Regularizer)> regularized = [];
    private bool trainable = true;

    protected Layer(string? name, int[]? inputShape)
    {
        Name = name ?? LayerNames.Unique(LayerNames.SnakeCase(GetType().Name));
        DeclaredInputShape = inputShape is null ? null : (int[])inputShape.Clone();
        if (inputShape is not null)
            foreach (int d in inputShape)
                if (d <= 0 && d != UnknownDimension)
                    throw new ArgumentException(
                        $"Layer '{Name}': inputShape {Tensor.ShapeString(inputShape)} must have positive dimensions " +
                        $"({UnknownDimension} for one known only when data arrives, Keras's None).",
                        nameof(inputShape));
    }

    /// <summary>Keras's None in a per-sample shape: an axis whose length is known only when data arrives (a sequence's
    /// length). Layers whose weights do not depend on it accept it (<see cref="MayBeUnknown"/>).</summary>
    public const int UnknownDimension = -1;

    /// <summary>Whether per-sample axis <paramref name="axis"/> of inputs of rank <paramref name="rank"/> may be unknown
    /// when the layer is built. False by default: a layer that sizes its weights or output from every axis needs them.</summary>
    private protected virtual bool MayBeUnknown(int axis, int rank) => false;

    /// <summary>Whether a per-sample shape fits the one the layer was built for: the same rank, and the same length on
    /// every axis the built shape knows.</summary>
    internal static bool Fits(int[] built, ReadOnlySpan<int> shape)
    {
        if (built.Length != shape.Length) return false;
        for (int i = 0; i < built.Length; i++)
            if (built[i] != UnknownDimension && built[i] != shape[i]) return false;
        return true;
    }

    public string Name { get; }

    public abstract string ClassName { get; }

    /// <summary>When false, the layer's weights are not updated by the optimizer (Keras's <c>trainable</c>), and
    /// no gradient is computed for them.</summary>
    public virtual bool Trainable
    {
        get => trainable;
        set
        {
            if (trainable != value) trainableChanges++;
            trainable = value;
            foreach (var weight in trainableWeights) weight.RequiresGrad = value;
        }
    }

    private int trainableChanges;

    /// <summary>How many times <see cref="Trainable"/> changed here (a model adds its layers'): a model whose count moved
    /// captures its training graph again, so freezing or unfreezing takes effect at the next step.</summary>
    internal virtual int TrainableChanges => trainableChanges;

    /// <summary>The per-sample input shape given by the user (Keras's <c>input_shape</c>), if any.</summary>
    public int[]? DeclaredInputShape { get; }

    /// <summary>Keras's <c>batch_shape[0]</c> (Keras 2's <c>batch_input_shape[0]</c>): the batch size a declared input
    /// shape fixes, which a stateful model needs; null when the batch is left open. Read from configs and written back.</summary>
    public int? DeclaredBatchSize
    {
        get => declaredBatchSize;
        init => declaredBatchSize = CheckBatchSize(value);
    }

    private int? declaredBatchSize;

    private int? CheckBatchSize(int? value) => value is null or > 0 ? value
        : throw new ArgumentException($"Layer '{Name}' ({ClassName}): a declared batch size must be positive, found {value}.");

    /// <summary>The batch size that the states this layer carries from call to call are bound to (a stateful recurrent
    /// layer's); the model writes it into its input declaration, where Keras reads it. Null for a layer without states.</summary>
    internal virtual int? CarriedBatchSize => null;

    /// <summary>Gives a layer that carries states the batch size its model's input declaration fixes.</summary>
    internal virtual void BindBatchSize(int batchSize) { }

    private int[]? builtInputShape, builtOutputShape;

    /// <summary>The per-sample input shape the layer was built for; null until built.</summary>
    public virtual int[]? InputShape => builtInputShape;

    /// <summary>The per-sample output shape; null until built.</summary>
    public virtual int[]? OutputShape => builtOutputShape;

    public virtual bool IsBuilt => InputShape is not null;

    /// <summary>All weights in Keras order: trainable first, then non-trainable (as <c>layer.weights</c>).</summary>
    public virtual IReadOnlyList<Tensor> Weights => [.. trainableWeights, .. nonTrainableWeights];

    public virtual IReadOnlyList<Tensor> TrainableWeights => Trainable ? trainableWeights : [];

    public virtual IReadOnlyList<Tensor> NonTrainableWeights =>
        Trainable ? nonTrainableWeights : [.. trainableWeights, .. nonTrainableWeights];

    /// <summary>Creates the weights for a per-sample input shape. Calling it again with the same shape does nothing.</summary>
    public virtual void Build(int[] inputShape)
    {
        if (InputShape is not null)
        {
            if (!Fits(InputShape, inputShape) && !RunsOnOtherShape(InputShape, inputShape))
                throw new ArgumentException(
                    $"Layer '{Name}' was built for inputs of shape {Describe(InputShape)} but receives {Describe(inputShape)}.");
            return;
        }
        if (DeclaredInputShape is not null && !Fits(DeclaredInputShape, inputShape))
            throw new ArgumentException(
                $"Layer '{Name}' expects inputs of shape {Describe(DeclaredInputShape)} but receives {Describe(inputShape)}.");
        // An axis the declared shape leaves to the data stays unknown, whatever length the first data had.
        if (DeclaredInputShape is not null && Array.IndexOf(DeclaredInputShape, UnknownDimension) >= 0)
            inputShape = [.. inputShape.Select((d, i) => DeclaredInputShape[i] == UnknownDimension ? UnknownDimension : d)];
        for (int axis = 0; axis < inputShape.Length; axis++)
            if (inputShape[axis] == UnknownDimension && !MayBeUnknown(axis, inputShape.Length))
                throw new ArgumentException(
                    $"Layer '{Name}' ({ClassName}) needs axis {axis + 1} of its inputs known, but receives {Describe(inputShape)} " +
                    "(None there); give the Input a fixed length on that axis.");
        builtOutputShape = ComputeOutputShape(inputShape);
        BuildWeights(inputShape);
        builtInputShape = (int[])inputShape.Clone();
    }

    /// <summary>Whether the layer, built for per-sample inputs <paramref name="built"/>, also runs on
    /// <paramref name="inputShape"/> because its weights do not depend on the axes that differ (Keras's None dimensions:
    /// a Dense's leading axes, a sequence's length). False by default: a built layer takes one shape.</summary>
    private protected virtual bool RunsOnOtherShape(int[] built, int[] inputShape) => false;

    /// <summary>The permutation a layer applies to its tensors of <paramref name="rank"/> axes (the batch's included) to
    /// compute on them channels-last: to its inputs, and its inverse to outputs of that rank (a channels-first
    /// convolution, a BatchNormalization over axis 1); null when it computes on them as they are. Exporters that write
    /// the channels-last computation wrap it in these transposes.</summary>
    internal virtual int[]? ChannelsLastOrder(int rank) => null;

    /// <summary>The per-sample output shape for a per-sample input shape.</summary>
    public abstract int[] ComputeOutputShape(int[] inputShape);

    /// <summary>Creates the layer's weights; layers without weights do nothing.</summary>
    protected virtual void BuildWeights(int[] inputShape) { }

    /// <summary>Applies the layer to a batch (axis 0 is the batch). <paramref name="training"/> switches
    /// dropout and batch statistics on, as in Keras.</summary>
    public abstract Tensor Call(Tensor inputs, bool training);

    /// <summary>Keras's <c>reset_states()</c>: clears what the layer carries from one call to the next (a stateful
    /// recurrent layer's states); nothing for most layers.</summary>
    public virtual void ResetStates() { }

    /// <summary>Whether a call leaves state behind for the next one (a stateful recurrent layer, or a model holding one).</summary>
    public virtual bool CarriesStates => false;

    /// <summary>Copies the states the layer carries and returns what puts them back (null when it carries none): a pass that
    /// must leave no trace, such as recording a graph, restores them after it.</summary>
    internal virtual Action? SnapshotStates() => null;

    /// <summary>Number of scalars in the layer's weights (Keras's <c>count_params</c>).</summary>
    public int CountParams() => Weights.Sum(w => w.Size);

    /// <summary>Keras's base layer config: name, trainable, dtype (and batch_shape when declared).</summary>
    public virtual Config GetConfig()
    {
        var config = new Config { ["name"] = Name, ["trainable"] = Trainable, ["dtype"] = "float32" };
        if (ActivityRegularizer is not null) config["activity_regularizer"] = ActivityRegularizerConfig;
        if (DeclaredInputShape is not null)
            config["batch_shape"] = ShapeConfig(DeclaredInputShape, DeclaredBatchSize ?? CarriedBatchSize);
        return config;
    }

    /// <summary>The kernels the layer multiplies its inputs by, with Keras's fans (<see cref="Initializer.ComputeFans"/>):
    /// [in, out] for a dense kernel, kernel area × channels for a convolution.</summary>
    public virtual IReadOnlyList<LayerKernel> Kernels => kernels;

    /// <summary>
    /// Creates a weight. A <paramref name="regularizer"/> adds its penalty to the training loss through
    /// <see cref="PenaltyLosses"/>.
    /// </summary>
    protected Tensor AddWeight(string weightName, int[] shape, Initializer initializer, bool trainable = true,
        Regularizer? regularizer = null)
    {
        WeightBudget.Reserve(Name, weightName, shape);
        var weight = new Tensor(shape) { Name = $"{Name}/{weightName}", RequiresGrad = trainable && Trainable };
        initializer.Fill(weight);
        (trainable ? trainableWeights : nonTrainableWeights).Add(weight);
        if (regularizer is not null) regularized.Add((weight, regularizer));
        return weight;
    }

    /// <summary>Makes a wrapped layer's weights, kernels and penalties this layer's own, after those it already has
    /// (a wrapper such as Bidirectional or TimeDistributed owns no weights of its own).</summary>
    protected void AddSublayerWeights(Layer sublayer)
    {
        ArgumentNullException.ThrowIfNull(sublayer);
        trainableWeights.AddRange(sublayer.trainableWeights);
        nonTrainableWeights.AddRange(sublayer.nonTrainableWeights);
        kernels.AddRange(sublayer.kernels);
        regularized.AddRange(sublayer.regularized);
        constrained.AddRange(sublayer.WeightConstraints);
        sublayers.Add(sublayer);
    }

    /// <summary>The layers whose weights this one holds through <see cref="AddSublayerWeights"/>.</summary>
    private readonly List<Layer> sublayers = [];

    /// <summary>Whether <paramref name="weight"/> belongs to a layer whose weights this one holds.</summary>
    internal bool HeldBySublayer(Tensor weight) => sublayers.Any(s => s.Weights.Contains(weight));

    /// <summary>Creates a trainable kernel: a weight the inputs are multiplied by, which the doctor watches.</summary>
    protected Tensor AddKernel(string weightName, int[] shape, Initializer initializer, Regularizer? regularizer = null)
    {
        var weight = AddWeight(weightName, shape, initializer, trainable: true, regularizer);
        var (fanIn, fanOut) = Initializer.ComputeFans(shape);
        kernels.Add(new LayerKernel(weight, fanIn, fanOut));
        return weight;
    }

    /// <summary>
    /// The penalty terms this layer adds to the training loss (Keras's <c>layer.losses</c>), recorded from the
    /// current weights. The default gives one term per weight created with a regularizer.
    /// </summary>
    public virtual IEnumerable<Tensor> PenaltyLosses()
    {
        foreach (var (weight, regularizer) in regularized) yield return regularizer.Call(weight);
        foreach (var penalty in activityPenalties) yield return penalty;
    }

    /// <summary>The layer's weights that have a constraint, each with it (Keras's <c>variable.constraint</c>): after
    /// every optimizer step the model replaces each trainable one by constraint(weight).</summary>
    public virtual IEnumerable<(Tensor Weight, Constraints.Constraint Constraint)> WeightConstraints => constrained;

    private readonly List<(Tensor, Constraints.Constraint)> constrained = [];

    /// <summary>Gives <paramref name="weight"/> its constraint; nothing when <paramref name="constraint"/> is null.</summary>
    protected void Constrain(Tensor weight, Constraints.Constraint? constraint)
    {
        if (constraint is not null) constrained.Add((weight, constraint));
    }

    /// <summary>Keras's <c>activity_regularizer</c>: a penalty on the layer's output, added to the loss for every call
    /// through <see cref="CallWithMask(Tensor, bool)"/> (Keras's <c>layer(x)</c>), in full: Keras 3 no longer divides it
    /// by the batch size as Keras 2 did (keras/src/layers/layer.py, __call__). Null for none.</summary>
    public Regularizer? ActivityRegularizer { get; set; }

    // The activity penalties of the calls since the model's forward pass began (one per call of a shared layer).
    private readonly List<Tensor> activityPenalties = [];

    /// <summary>The activity penalties recorded since <see cref="ClearActivityPenalties"/>.</summary>
    private protected IReadOnlyList<Tensor> ActivityPenalties => activityPenalties;

    /// <summary>Forgets the activity penalties of earlier forward passes: a model clears its layers' when its own begins,
    /// so that a captured step's loss reads only the penalties of its own graph.</summary>
    internal void ClearActivityPenalties() => activityPenalties.Clear();

    /// <summary>Records the activity penalty of one call's output.</summary>
    private protected void RecordActivityPenalty(Tensor output)
    {
        if (ActivityRegularizer is { } regularizer) activityPenalties.Add(regularizer.Call(output));
    }

    /// <summary>The activity regularizer as a config entry, null when there is none.</summary>
    private protected Config? ActivityRegularizerConfig => Regularizer.SerializeOrNull(ActivityRegularizer);

    /// <summary>
    /// What one call of this layer produced, as the doctor observes it: <paramref name="output"/> is the tensor
    /// <see cref="Call(Tensor, bool)"/> returned. The default reads the pre-activation and activation from the op that made the
    /// output when that op fuses an activation (<see cref="IActivatedOp"/>); a layer with another structure overrides it.
    /// </summary>
    public virtual LayerActivity Observe(Tensor output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output = ChannelsLastView(output);
        return output.Creator is IActivatedOp op
            ? new LayerActivity(this, output, op.PreActivation, op.Activation as ActivationFunction)
            : new LayerActivity(this, output, null, null);
    }

    /// <summary>
    /// The channels-last result behind an output of this layer: a layer that computed channels-last and moved its result's
    /// channels back (channels_first) returns the result its recorded move read, so that units are on the last axis; an
    /// unrecorded output is moved again. A captured step replays only what its outputs need, and the next channels-first
    /// layer reads that result directly, so it is also the one of the two that a replay keeps up to date.
    /// </summary>
    internal Tensor ChannelsLastView(Tensor output)
    {
        if (ChannelsLastOrder(output.Rank) is not { } order) return output;
        return output.Creator is Autograd.Ops.TransposeOp move && move.IsUndoneBy(order) ? move.Inputs[0] : Tensor.Transpose(output, order);
    }

    /// <summary>Called after the weights' values were replaced from outside (SetWeights, loading), so a layer that
    /// derives state from them can refresh it. The default passes it to the sublayers whose weights this layer holds
    /// (a wrapped Normalization's scale and shift).</summary>
    protected internal virtual void OnWeightsChanged()
    {
        foreach (var sublayer in sublayers) sublayer.OnWeightsChanged();
    }

    /// <summary>Other names files give this layer's weights, as (the file's short name, the weight's own short name):
    /// Keras 3 names DepthwiseConv2D's kernel "kernel" where Keras 2 and TensorFlow.js say "depthwise_kernel". Readers
    /// that find weights by name accept these too; empty for most layers.</summary>
    internal virtual IReadOnlyList<(string Other, string Own)> WeightNameAliases => [];

    /// <summary>The files this layer reads from a Keras 3 archive's <c>assets/layers/&lt;path&gt;/</c> (Keras's
    /// <c>load_assets</c>), read after the model is built and before its weights: an IntegerLookup adapted in Keras keeps
    /// its vocabulary there. Empty for most layers.</summary>
    internal virtual IReadOnlyList<string> KerasAssetNames => [];

    /// <summary>Takes the text of one of <see cref="KerasAssetNames"/>; refuses what it cannot read with an
    /// <see cref="ArgumentException"/>.</summary>
    internal virtual void LoadKerasAsset(string name, string text) =>
        throw new ArgumentException($"Layer '{Name}' ({ClassName}) reads no asset '{name}'.");

    /// <summary>The weights Keras's files (Keras 3 weights trees, legacy H5) hold for this layer as its config describes it;
    /// all of <see cref="Weights"/> for most layers. Others keep their current values when a file is loaded.</summary>
    internal virtual IReadOnlyList<Tensor> KerasFileWeights => Weights;

    /// <summary>Where Keras 3's weights files keep this layer's weights when they belong to its sublayers: each child's
    /// attribute name with how many of its sublayers' weights (in the order of <see cref="Weights"/>) it holds, saved at "&lt;layer&gt;/&lt;child&gt;/vars".
    /// Empty for a layer that holds its own weights.</summary>
    internal virtual IReadOnlyList<(string Child, int Count)> KerasVarGroups => [];

    /// <summary>The variables Keras 3 keeps in this layer's own "vars" when its sublayers hold the others
    /// (<see cref="KerasVarGroups"/>); empty for most wrappers. SpectralNormalization keeps its vector_u there, and the
    /// kernel it also tracks as its own attribute.</summary>
    internal virtual IReadOnlyList<Tensor> KerasOwnVars => [];

    /// <summary>The var groups of <paramref name="sublayer"/> kept under the attribute <paramref name="child"/>: its own
    /// weights there, or its own sublayers' groups below it (a Bidirectional's "forward_layer/cell").</summary>
    private protected static IEnumerable<(string Child, int Count)> KerasVarGroupsOf(string child, Layer sublayer) =>
        sublayer.KerasVarGroups.Count == 0
            ? [(child, sublayer.Weights.Count)]
            : sublayer.KerasVarGroups.Select(group => ($"{child}/{group.Child}", group.Count));

    /// <summary>Writes Keras's keys for a kernel-and-bias layer (Dense, the convolutions), in Keras's order:
    /// the initializers, the regularizers (null when none), the activity regularizer, and the constraints (null when
    /// none). <paramref name="kernel"/> is the kernel's key stem ("depthwise" for the depthwise layers).</summary>
    protected void WriteKernelAndBiasConfig(Config config, Initializer kernelInitializer, Initializer biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? biasRegularizer, Constraints.Constraint? kernelConstraint = null,
        Constraints.Constraint? biasConstraint = null, string kernel = "kernel")
    {
        config[$"{kernel}_initializer"] = Registry<Initializer>.Serialize(kernelInitializer);
        config["bias_initializer"] = Registry<Initializer>.Serialize(biasInitializer);
        config[$"{kernel}_regularizer"] = Regularizer.SerializeOrNull(kernelRegularizer);
        config["bias_regularizer"] = Regularizer.SerializeOrNull(biasRegularizer);
        config["activity_regularizer"] = ActivityRegularizerConfig;
        config[$"{kernel}_constraint"] = Constraints.Constraint.SerializeOrNull(kernelConstraint);
        config["bias_constraint"] = Constraints.Constraint.SerializeOrNull(biasConstraint);
    }

    /// <summary>Checks that the batch fed to <see cref="Call(Tensor, bool)"/> matches the built per-sample shape.</summary>
    protected void CheckInput(Tensor inputs)
    {
        if (InputShape is null) Build(inputs.Shape[1..]);
        else if (inputs.Rank != InputShape.Length + 1
                 || (!Fits(InputShape, inputs.Shape.AsSpan(1)) && !RunsOnOtherShape(InputShape, inputs.Shape[1..])))
            throw new ArgumentException(
                $"Layer '{Name}' expects inputs of shape {Describe(InputShape)} but receives {Describe(inputs.Shape[1..])} " +
                $"(full batch shape {Tensor.ShapeString(inputs.Shape)}).");
    }

    /// <summary>A per-sample shape as Keras prints it: (None, 784); an unknown axis is None too.</summary>
    public static string Describe(int[] perSampleShape) =>
        perSampleShape.Length == 0 ? "(None,)"
            : "(None, " + string.Join(", ", perSampleShape.Select(d => d == UnknownDimension ? "None" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";

    /// <summary>A per-sample shape as Keras writes a batch shape in configs: [null, ...], null for an unknown axis.</summary>
    internal static List<object?> ShapeConfig(int[] perSampleShape, int? batchSize = null) =>
        [batchSize is int size ? (long)size : null, .. perSampleShape.Select(d => d == UnknownDimension ? null : (object?)(long)d)];

    /// <summary>The batch size a config's batch_shape (Keras 3) or batch_input_shape (Keras 2) declares; null when open.</summary>
    internal static int? ReadBatchSize(Config config) =>
        (config.GetIntArray("batch_shape") ?? config.GetIntArray("batch_input_shape")) is [> 0 and var size, ..] ? size : null;

    public override string ToString() => $"{ClassName} '{Name}'";

    /// <summary>
    /// Refuses, by name, each of <paramref name="keys"/> whose value in <paramref name="config"/> is not null: Keras
    /// options (constraints, activity regularizers...) that would change the math and that Nabla does not
    /// implement. Every layer's FromConfig calls it rather than ignoring such a key.
    /// </summary>
    protected internal static void RefuseUnsupported(Config config, string className, params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var key in keys)
            if (config.TryGet(key, out var value))
                throw new ArgumentException(
                    $"{className} '{config.GetString("name", null) ?? "?"}' config '{key}' is {Config.Describe(value)}; " +
                    "Nabla does not implement it, only null is supported.");
    }

    /// <summary>Refuses, by name, each of <paramref name="keys"/> whose value is null where Keras's default is not None
    /// and Keras does not read None as that default (see <see cref="Config.RefuseNull"/>).</summary>
    protected internal static void RefuseNull(Config config, string className, params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.RefuseNull($"{className} '{config.GetString("name", null) ?? "?"}'", keys);
    }

    /// <summary>Reads the keys every layer shares from a Keras config. An activity regularizer is read by
    /// <see cref="Deserialize"/>, which sets <see cref="ActivityRegularizer"/>; a layer's own FromConfig, called
    /// directly, refuses one rather than drop it.</summary>
    protected internal static (string? name, int[]? inputShape) BaseArgs(Config config)
    {
        RefuseUnsupported(config, "Layer", "activity_regularizer");
        int[]? shape = config.GetIntArray("batch_shape") ?? config.GetIntArray("batch_input_shape");
        if (shape is not null) shape = shape[1..];
        else shape = config.GetIntArray("input_shape");
        return (config.GetString("name", null), shape);
    }
}
