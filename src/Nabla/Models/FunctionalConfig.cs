using Nabla.Layers;
using Nabla.Configuration;

namespace Nabla;

/// <summary>
/// Keras's <c>Functional</c> config: <c>layers</c> (each with its <c>name</c> and <c>inbound_nodes</c>),
/// <c>input_layers</c> and <c>output_layers</c> as <c>[layer, node, tensor]</c> triples. Reads Keras 3's
/// nodes (<c>{"args": [...], "kwargs": {}}</c> with <c>__keras_tensor__</c> entries and their
/// <c>keras_history</c>) and Keras 2's and TensorFlow.js's nested lists (<c>[[["dense", 0, 0, {}]]]</c>); writes Keras 3's.
/// A layer that reaches no output is kept, not pruned as Keras does, so that the doctor can name it.
/// </summary>
internal static class FunctionalConfig
{
    public static Config ToConfig(Model model)
    {
        var graph = model.Functional ?? throw new ArgumentException($"Model '{model.Name}' is not functional.");
        // Node indices count the model's own calls of each layer (a shared layer may have calls outside it), as Keras re-indexes them.
        var nodeIndex = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var modelNodes = new HashSet<Node>(graph.Nodes.Concat(graph.Inputs.Select(i => i.Node)), ReferenceEqualityComparer.Instance);
        foreach (var layer in graph.Layers)
        {
            int k = 0;
            foreach (var node in layer.InboundNodes)
                if (modelNodes.Contains(node)) nodeIndex[node] = k++;
        }
        List<object?> History(SymbolicTensor t) => [t.Layer.Name, (long)nodeIndex[t.Node], (long)t.Index];

        var layers = new List<object?>();
        foreach (var layer in graph.Layers)
        {
            var entry = Registry<Layer>.Serialize(layer);
            entry["module"] = ModuleOf(layer);
            entry["registered_name"] = null;
            entry["name"] = layer.Name;
            bool isModelInput = layer.InboundNodes.Any(n => n.Inputs.Count == 0 && modelNodes.Contains(n));
            if (isModelInput) model.WriteCarriedBatchSize(entry);
            entry["inbound_nodes"] = isModelInput ? new List<object?>()
                : layer.InboundNodes.Where(modelNodes.Contains).Select(node =>
                {
                    var tensors = node.Inputs.Select(t => (object?)new Config
                    {
                        ["class_name"] = "__keras_tensor__",
                        ["config"] = new Config
                        {
                            ["shape"] = Layer.ShapeConfig(t.Shape),
                            ["dtype"] = "float32",
                            ["keras_history"] = History(t),
                        },
                    }).ToList();
                    // Keras passes a recurrent layer its initial states by keyword, and a merge layer its inputs as one list.
                    var kwargs = new Config();
                    foreach (var (key, value) in node.Options) kwargs[key] = value;
                    if (layer.TensorArgumentNames is not null && layer.FirstTensorArgumentIsList)
                        return (object?)new Config { ["args"] = new List<object?> { tensors }, ["kwargs"] = kwargs };
                    if (layer.TensorArgumentNames is { } names)
                    {
                        // The first tensors by position, as Keras's call signature takes them; an argument that is its stand-in's
                        // tensor (a key that is the value) is left out, and the ones after it (an attention mask) go by keyword.
                        var args = new List<object?>();
                        bool byKeyword = false;
                        for (int t = 0; t < tensors.Count; t++)
                        {
                            int standIn = layer.TensorArgumentStandIn(t);
                            if (standIn >= 0 && ReferenceEquals(node.Inputs[t], node.Inputs[standIn])) byKeyword = true;
                            else if (byKeyword || t >= layer.PositionalTensorArguments) (byKeyword, kwargs[names[t]]) = (true, tensors[t]);
                            else args.Add(tensors[t]);
                        }
                        return (object?)new Config { ["args"] = args, ["kwargs"] = kwargs };
                    }
                    if (layer.LaterInputsKeyword is { } keyword && tensors.Count > 1)
                    {
                        kwargs[keyword] = tensors.Skip(1).ToList();
                        return (object?)new Config { ["args"] = new List<object?> { tensors[0] }, ["kwargs"] = kwargs };
                    }
                    object? argument = tensors.Count == 1 ? tensors[0] : tensors;
                    return (object?)new Config { ["args"] = new List<object?> { argument }, ["kwargs"] = kwargs };
                }).ToList();
            layers.Add(entry);
        }
        return new Config
        {
            ["name"] = model.Name,
            ["trainable"] = model.Trainable,
            ["layers"] = layers,
            ["input_layers"] = graph.Inputs.Select(t => (object?)History(t)).ToList(),
            ["output_layers"] = graph.Outputs.Select(t => (object?)History(t)).ToList(),
        };
    }

    /// <summary>The module Keras 3 names for a layer of a functional config: a nested model's, or keras.layers.</summary>
    internal static string ModuleOf(Layer layer) => layer.ClassName switch
    {
        "Functional" => "keras.src.models.functional",
        "Sequential" => "keras",
        _ => "keras.layers",
    };

    /// <summary>Rebuilds a functional model; <paramref name="where"/> prefixes every message (file and field).</summary>
    public static Model FromConfig(Config config, string where)
    {
        if (!config.TryGet("layers", out var value) || value is not List<object?> list)
            throw new ArgumentException($"{where}: a Functional config needs a 'layers' list.");
        Layer.RefuseStringLayers(list);
        var entries = new List<(Layer Layer, List<object?> Nodes, int Index)>();
        var byName = new Dictionary<string, Layer>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not Config entry)
                throw new ArgumentException($"{where}: 'layers[{i}]' must be an object, found {Config.Describe(list[i])}.");
            Layer layer;
            try { layer = Layer.Deserialize(entry); }
            catch (ArgumentException e) { throw new ArgumentException($"{where}: 'layers[{i}]': {e.Message}", e); }
            string name = entry.GetString("name", null) ?? layer.Name;
            if (name != layer.Name)
                throw new ArgumentException($"{where}: 'layers[{i}]' is named \"{name}\" but its config names it \"{layer.Name}\".");
            if (!byName.TryAdd(name, layer))
                throw new ArgumentException($"{where}: two layers are named \"{name}\"; layer names must be unique.");
            var nodes = entry.TryGet("inbound_nodes", out var n) ? n as List<object?>
                ?? throw new ArgumentException($"{where}: 'layers[{i}].inbound_nodes' must be a list, found {Config.Describe(n)}.") : [];
            entries.Add((layer, nodes, i));
        }

        // Nodes are created as their inputs become available: a shared layer's later call may read a layer listed after it.
        var made = new Dictionary<(string, int), Node>();
        var done = new int[entries.Count];
        foreach (var (layer, nodes, i) in entries)
            if (nodes.Count == 0)
            {
                if (layer is not InputLayer input)
                    throw new ArgumentException($"{where}: 'layers[{i}]' (\"{layer.Name}\", {layer.ClassName}) has no inbound nodes; only an InputLayer may have none.");
                made[(layer.Name, 0)] = new Input(input).Node;
            }
        bool progress = true;
        while (progress)
        {
            progress = false;
            for (int e = 0; e < entries.Count; e++)
            {
                var (layer, nodes, i) = entries[e];
                while (done[e] < nodes.Count)
                {
                    string field = $"layers[{i}].inbound_nodes[{done[e]}]";
                    var (sources, options) = ReadNode(nodes[done[e]], layer, $"{where}: '{field}'");
                    if (sources.Any(s => !made.ContainsKey((s.Layer, s.Node)))) break;
                    var inputs = sources.Select(s => TensorOf(made, s, $"{where}: '{field}'")).ToArray();
                    try { made[(layer.Name, done[e])] = layer.ApplyAll(inputs, options)[0].Node; }
                    catch (ArgumentException ex) { throw new ArgumentException($"{where}: '{field}': {ex.Message}", ex); }
                    done[e]++;
                    progress = true;
                }
            }
        }
        for (int e = 0; e < entries.Count; e++)
            if (done[e] < entries[e].Nodes.Count)
            {
                var (layer, nodes, i) = entries[e];
                var missing = ReadNode(nodes[done[e]], layer, where).Sources.First(s => !made.ContainsKey((s.Layer, s.Node)));
                throw new ArgumentException(
                    $"{where}: 'layers[{i}].inbound_nodes[{done[e]}]' of layer \"{layer.Name}\" reads [\"{missing.Layer}\", {missing.Node}], " +
                    "which no layer of the config produces.");
            }

        var inputsOfModel = ReadEnds(config, "input_layers", made, where);
        var outputsOfModel = ReadEnds(config, "output_layers", made, where);
        // Every call none of whose tensors a node reads or the model outputs ends a branch that reaches no output: kept.
        var read = new HashSet<SymbolicTensor>(made.Values.SelectMany(n => n.Inputs), ReferenceEqualityComparer.Instance);
        var outputs = new HashSet<SymbolicTensor>(outputsOfModel, ReferenceEqualityComparer.Instance);
        var unused = made.Values.Where(n => n.Inputs.Count > 0 && !n.Outputs.Any(t => read.Contains(t) || outputs.Contains(t)))
            .Select(n => n.Output).ToArray();
        try
        {
            Layer.RefuseNull(config, "Functional", "trainable");
            var model = new Model(inputsOfModel, outputsOfModel, unused, config.GetString("name", null));
            if (!config.GetBool("trainable", true)) model.Trainable = false;
            return model;
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{where}: {ex.Message}", ex);
        }
    }

    /// <summary>The [layer, node, tensor] triples a node reads, from Keras 3's <c>{"args", "kwargs"}</c> or Keras 2's list
    /// of <c>[layer, node, tensor, kwargs]</c> (where a recurrent layer's initial states follow the sequence). Keras 3
    /// passes the inputs after the first by the keyword the layer names (<see cref="Layer.LaterInputsKeyword"/>). The call
    /// options the layer reads (<see cref="Layer.CallOptionNames"/>) are returned; other options passed at call time are
    /// refused: they would change the math.</summary>
    private static (List<TensorSource> Sources, Config Options) ReadNode(object? node, Layer layer, string where)
    {
        var result = new List<TensorSource>();
        var options = new Config();
        switch (node)
        {
            case Config keras3:
                var kwargs = keras3.GetConfig("kwargs") ?? [];
                // A tensor argument that may also be a constant (TFOpLambda's y) is an option only when it is not a tensor.
                foreach (var (key, value) in kwargs)
                    if (value is not null && (layer.CallOptionNames.Contains(key) || key == Layer.TrainingOption) && !IsKerasTensor(value))
                        options[key] = CallOption(value, key, where);
                var refused = kwargs.Where(kv => kv.Value is not null && kv.Key != layer.LaterInputsKeyword && !options.ContainsKey(kv.Key)
                        && layer.TensorArgumentNames?.Contains(kv.Key) != true)
                    .Select(kv => $"'{kv.Key}'").ToList();
                if (refused.Count > 0)
                    throw new ArgumentException($"{where}: call arguments {string.Join(", ", refused)} of layer \"{layer.Name}\" ({layer.ClassName}) are not supported.");
                var args = keras3.TryGet("args", out var a) ? a as List<object?> ?? [a] : [];
                if (layer.TensorArgumentNames is not null)
                {
                    result.AddRange(FunctionalCallArguments.Read(layer, args, kwargs, KerasTensor, where));
                    break;
                }
                foreach (var arg in args) CollectKerasTensors(arg, result, where);
                if (layer.LaterInputsKeyword is { } keyword && kwargs.TryGet(keyword, out var later) && later is not null)
                    CollectKerasTensors(later, result, $"{where}: '{keyword}'");
                break;
            case List<object?> keras2:
                // tf.keras writes a layer that keeps its first argument's structure (TFOpLambda) with the node as the entry itself.
                if (keras2.Count > 0 && keras2[0] is string) keras2 = [keras2];
                if (layer.TensorArgumentNames is not null)
                {
                    var (first, firstOptions) = FunctionalCallArguments.ReadKeras2(layer, keras2, TensorTriple, where);
                    result.AddRange(first);
                    foreach (var (key, value) in firstOptions) options[key] = CallOption(value!, key, where);
                    break;
                }
                foreach (var inbound in keras2)
                {
                    if (inbound is not List<object?> { Count: >= 3 } triple || triple[0] is not string)
                        throw new ArgumentException($"{where}: expected [layer, node, tensor, kwargs] entries, found {Config.Describe(inbound)}.");
                    if (triple.Count > 3 && triple[3] is Config { Count: > 0 } kw)
                    {
                        foreach (var (key, value) in kw)
                            if (value is not null && (layer.CallOptionNames.Contains(key) || key == Layer.TrainingOption)) options[key] = CallOption(value, key, where);
                        var others = kw.Keys.Where(k => kw[k] is not null && !options.ContainsKey(k)).ToList();
                        if (others.Count > 0)
                            throw new ArgumentException($"{where}: call arguments {string.Join(", ", others.Select(k => $"'{k}'"))} are not supported.");
                    }
                    result.Add(TensorTriple(triple, where));
                }
                break;
            default:
                throw new ArgumentException($"{where}: a node must be an object with 'args' (Keras 3) or a list (Keras 2), found {Config.Describe(node)}.");
        }
        if (result.Count == 0) throw new ArgumentException($"{where}: the node reads no tensor.");
        return (result, options);
    }

    /// <summary>A call option's value: a boolean, number or string, or a list of them (a reshape's shape, a constant
    /// operand), never a tensor.</summary>
    private static object CallOption(object value, string key, string where) => IsConstant(value) ? value
        : throw new ArgumentException($"{where}: call option '{key}' must be a boolean, number or string, or a list of them, found {Config.Describe(value)}.");

    /// <summary>Numbers, booleans, strings and lists of them; in lists also null (tf.newaxis) and objects of constants
    /// (a slice's start, stop and step; tf.keras's Ellipsis).</summary>
    private static bool IsConstant(object? value) =>
        value is bool or long or double or string
        || value is List<object?> list && list.All(v => v is null || IsConstant(v))
        || value is Config c && !IsKerasTensor(c) && c.Values.All(v => v is null || IsConstant(v));

    private static bool IsKerasTensor(object? value) => value is Config c && c.GetString("class_name", null) == "__keras_tensor__";

    /// <summary>The one tensor an argument names.</summary>
    private static TensorSource KerasTensor(object? value, string where)
    {
        var found = new List<TensorSource>();
        CollectKerasTensors(value, found, where);
        return found.Count == 1 ? found[0] : throw new ArgumentException($"{where}: expected one __keras_tensor__, found {found.Count}.");
    }

    private static void CollectKerasTensors(object? value, List<TensorSource> result, string where)
    {
        switch (value)
        {
            case Config { } t when t.GetString("class_name", null) == "__keras_tensor__":
                var history = t.GetConfig("config")?.TryGet("keras_history", out var h) == true ? h as List<object?> : null;
                if (history is not { Count: 3 } || history[0] is not string)
                    throw new ArgumentException($"{where}: a __keras_tensor__ needs 'keras_history' [layer, node, tensor].");
                result.Add(TensorTriple(history, where));
                break;
            case List<object?> many:
                foreach (var item in many) CollectKerasTensors(item, result, where);
                break;
            default:
                throw new ArgumentException($"{where}: expected a __keras_tensor__ or a list of them, found {Config.Describe(value)}.");
        }
    }

    /// <summary>A tensor named by Keras's [layer, node, tensor] triple.</summary>
    internal readonly record struct TensorSource(string Layer, int Node, int Tensor);

    /// <summary>The tensor a triple names, once its node is made; refused when the call makes fewer tensors.</summary>
    private static SymbolicTensor TensorOf(Dictionary<(string, int), Node> made, TensorSource source, string where)
    {
        var node = made[(source.Layer, source.Node)];
        return source.Tensor < node.Outputs.Count ? node.Outputs[source.Tensor]
            : throw new ArgumentException(
                $"{where}: tensor index {source.Tensor} of layer \"{source.Layer}\": its call makes {node.Outputs.Count} tensor" +
                $"{(node.Outputs.Count == 1 ? "" : "s")} (indices from 0).");
    }

    /// <summary>Reads a [layer, node, tensor] triple.</summary>
    internal static TensorSource TensorTriple(List<object?> triple, string where)
    {
        int ToIndex(object? v) => v switch
        {
            long l when l >= 0 && l <= int.MaxValue => (int)l,
            double d when d >= 0 && d == Math.Floor(d) && d <= int.MaxValue => (int)d,
            _ => throw new ArgumentException($"{where}: node and tensor indices must be integers ≥ 0, found {Config.Describe(v)}."),
        };
        if (triple[0] is not string layer)
            throw new ArgumentException($"{where}: a [layer, node, tensor] triple starts with the layer's name, found {Config.Describe(triple[0])}.");
        return new TensorSource(layer, ToIndex(triple[1]), ToIndex(triple[2]));
    }

    private static SymbolicTensor[] ReadEnds(Config config, string key, Dictionary<(string, int), Node> made, string where)
    {
        if (!config.TryGet(key, out var value) || value is not List<object?> list || list.Count == 0)
            throw new ArgumentException($"{where}: a Functional config needs '{key}', a list of [layer, node, tensor].");
        // One end may be written as a bare triple.
        var triples = list[0] is string ? [list] : list;
        return triples.Select((item, i) =>
        {
            if (item is not List<object?> { Count: 3 } triple || triple[0] is not string)
                throw new ArgumentException($"{where}: '{key}[{i}]' must be [layer, node, tensor], found {Config.Describe(item)}.");
            var source = TensorTriple(triple, $"{where}: '{key}[{i}]'");
            return made.ContainsKey((source.Layer, source.Node)) ? TensorOf(made, source, $"{where}: '{key}[{i}]'")
                : throw new ArgumentException($"{where}: '{key}[{i}]' names [\"{source.Layer}\", {source.Node}], which the config's layers do not produce.");
        }).ToArray();
    }
}
