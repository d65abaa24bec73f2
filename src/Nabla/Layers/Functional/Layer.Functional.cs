namespace Nabla.Layers;

public abstract partial class Layer
{
    private readonly List<Node> inboundNodes = [];

    /// <summary>The layer's calls on symbolic tensors, in order (Keras's <c>_inbound_nodes</c>).</summary>
    public IReadOnlyList<Node> InboundNodes => inboundNodes;

    /// <summary>
    /// Keras's <c>layer.output</c>: the tensor the layer's first call on symbolic tensors made, so that a feature extractor
    /// reads a pretrained model's inner layer, <c>new Model(baseModel.Inputs[0], baseModel.GetLayer("block4_conv1").Output)</c>.
    /// </summary>
    public SymbolicTensor Output
    {
        get
        {
            if (inboundNodes.Count == 0)
                throw new InvalidOperationException(
                    $"Layer '{Name}' has never been called on symbolic tensors, so it has no output (the layers of Sequential and " +
                    "subclassed models are called on data only; build a functional model to read an inner layer's output).");
            var outputs = inboundNodes[0].Outputs;
            if (outputs.Count != 1)
                throw new InvalidOperationException(
                    $"Layer '{Name}' makes {outputs.Count} tensors per call; read them from InboundNodes[0].Outputs.");
            return outputs[0];
        }
    }

    /// <summary>
    /// Calls the layer on symbolic tensors, as <c>layer(x)</c> in Keras's functional API: builds the layer for
    /// their shapes (the first call) and returns the symbolic output. Calling a layer again shares its weights.
    /// A layer whose call makes several tensors (<see cref="TensorsPerCall"/>) is called with <see cref="ApplyAll(SymbolicTensor[])"/>.
    /// </summary>
    public SymbolicTensor Apply(params SymbolicTensor[] inputs)
    {
        RequireOneTensorPerCall();
        return ApplyAll(inputs)[0];
    }

    /// <summary>Calls the layer on symbolic tensors and returns every tensor the call makes, in Keras's order (an LSTM
    /// with return_state: the output, then h and c).</summary>
    public IReadOnlyList<SymbolicTensor> ApplyAll(params SymbolicTensor[] inputs) => ApplyAll(inputs, []);

    /// <summary>
    /// Calls the layer on a symbolic tensor in one mode whatever the model's, as Keras's <c>layer(x, training=False)</c>:
    /// a pretrained base called with training false keeps its batch normalization on its moving statistics and its dropout
    /// off while the model around it trains.
    /// </summary>
    public SymbolicTensor Apply(SymbolicTensor input, bool training)
    {
        RequireOneTensorPerCall();
        return ApplyAll([input], new Configuration.Config { [TrainingOption] = training })[0];
    }

    /// <summary>The forms of Apply that return one tensor refuse a layer whose call makes more.</summary>
    private void RequireOneTensorPerCall()
    {
        if (TensorsPerCall != 1)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) makes {TensorsPerCall} tensors per call ({DescribeCallOutputs}); call ApplyAll, " +
                "which returns them all, as Keras's layer(x) returns a list.");
    }

    /// <summary>Keras's <c>training</c> call keyword, which every layer takes: the call runs in that mode whatever the
    /// model's (<see cref="Node.Options"/>).</summary>
    internal const string TrainingOption = "training";

    /// <summary>Whether a call runs in training mode: its own <c>training</c> option when it has one, else the model's.</summary>
    internal static bool TrainingOf(Configuration.Config options, bool modelTraining) =>
        options.TryGet(TrainingOption, out var value) && value is bool fixedMode ? fixedMode : modelTraining;

    /// <summary>Calls the layer on symbolic tensors with keyword options of the call (<see cref="CallOptionNames"/>, and
    /// <c>training</c>).</summary>
    internal IReadOnlyList<SymbolicTensor> ApplyAll(SymbolicTensor[] inputs, Configuration.Config options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var key in options.Keys)
            if (key == TrainingOption ? options[key] is not bool : !CallOptionNames.Contains(key))
                throw new ArgumentException(key == TrainingOption
                    ? $"Layer '{Name}' ({ClassName}): call option 'training' must be true or false; found {Configuration.Config.Describe(options[key])}."
                    : $"Layer '{Name}' ({ClassName}) takes no call option '{key}'; its call options are " +
                      $"{string.Join(", ", CallOptionNames.Append(TrainingOption))}.");
        if (inputs.Length == 0) throw new ArgumentException($"Layer '{Name}' ({ClassName}): Apply needs at least one input.", nameof(inputs));
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"Layer '{Name}': input {i} is null.");
        var outputShapes = BuildForCall(inputs.Select(t => t.Shape).ToArray(), options);
        return AddNode(inputs, [.. outputShapes.Select(shape => new SymbolicTensor(shape))], options.Count == 0 ? null : options).Outputs;
    }

    /// <summary>The keyword options of a call that are not tensors and that this layer reads (Keras's names), kept per call
    /// in <see cref="Node.Options"/>; none by default.</summary>
    internal virtual IReadOnlyList<string> CallOptionNames => [];

    /// <summary>How many tensors one call of the layer makes: one, except for layers asked to return more (a recurrent
    /// layer's return_state).</summary>
    public virtual int TensorsPerCall => 1;

    /// <summary>Names the tensors of a call, for messages.</summary>
    private protected virtual string DescribeCallOutputs => "its output";

    internal Node AddNode(SymbolicTensor[] inputs, params SymbolicTensor[] outputs) => AddNode(inputs, outputs, null);

    private Node AddNode(SymbolicTensor[] inputs, SymbolicTensor[] outputs, Configuration.Config? options)
    {
        var node = new Node(this, inputs, outputs, inboundNodes.Count, options);
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i].Node = node;
            outputs[i].Index = i;
        }
        inboundNodes.Add(node);
        return node;
    }

    /// <summary>Builds the layer for the per-sample shapes of its call's inputs and returns the shape of every tensor the
    /// call makes, given the call's keyword <paramref name="options"/> (<see cref="Node.Options"/>); one tensor, from
    /// <see cref="BuildForInputs"/>, unless the layer makes more.</summary>
    protected internal virtual IReadOnlyList<int[]> BuildForCall(IReadOnlyList<int[]> inputShapes, Configuration.Config? options = null) =>
        [BuildForInputs(inputShapes)];

    /// <summary>The keyword under which Keras passes a call's inputs after the first (a recurrent layer's
    /// <c>initial_state</c>); null when they are all one positional argument (a merge layer's list).</summary>
    internal virtual string? LaterInputsKeyword => null;

    /// <summary>Keras's names of the call's tensor arguments, in the order of a node's inputs, for a layer Keras calls with
    /// separate tensor arguments, some of which may come by keyword (MultiHeadAttention's query, value, key and
    /// attention_mask); null when the call takes its tensors as one argument or by <see cref="LaterInputsKeyword"/>.</summary>
    internal virtual IReadOnlyList<string>? TensorArgumentNames => null;

    /// <summary>Whether the first of <see cref="TensorArgumentNames"/> is a list of tensors, all of a node's inputs (a
    /// TFOpLambda's concat).</summary>
    internal virtual bool FirstTensorArgumentIsList => false;

    /// <summary>How many of <see cref="TensorArgumentNames"/> Keras's call signature takes by position; the others are
    /// written by keyword.</summary>
    internal virtual int PositionalTensorArguments => TensorArgumentNames?.Count ?? 1;

    /// <summary>For a tensor argument left out before a given one, the index of the argument whose tensor stands in for it
    /// (Keras's key defaults to the value); -1 when the argument cannot be left out.</summary>
    internal virtual int TensorArgumentStandIn(int index) => -1;

    /// <summary>Runs a call on batches, one per input, with Keras's masks and the call's <paramref name="options"/>
    /// (<see cref="Node.Options"/>), and returns every tensor it makes (see <see cref="TensorsPerCall"/>).</summary>
    internal virtual IReadOnlyList<Tensor> CallAllWithMask(IReadOnlyList<Tensor> inputs, bool training, Configuration.Config? options = null) =>
        [CallWithMask(inputs, training)];

    /// <summary>Builds the layer for the per-sample shapes of its inputs and returns its output shape. A layer
    /// with one input builds for its shape; layers with several (merge layers) override this.</summary>
    protected internal virtual int[] BuildForInputs(IReadOnlyList<int[]> inputShapes)
    {
        if (inputShapes.Count != 1)
            throw new ArgumentException($"Layer '{Name}' ({ClassName}) takes one input, {inputShapes.Count} were given.");
        Build(inputShapes[0]);
        return Tensor.SameShape(InputShape!, inputShapes[0]) ? OutputShape! : ComputeOutputShape(inputShapes[0]);
    }

    /// <summary>Applies the layer to the batches of its inputs; a layer with one input runs <see cref="Call(Tensor, bool)"/>.</summary>
    public virtual Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        if (inputs.Count != 1)
            throw new ArgumentException($"Layer '{Name}' ({ClassName}) takes one input, {inputs.Count} were given.");
        return Call(inputs[0], training);
    }
}
