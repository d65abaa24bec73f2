using Nabla.Configuration;
using Nabla.Layers;
using TensorSource = Nabla.FunctionalConfig.TensorSource;

namespace Nabla;

/// <summary>
/// Reads the tensors of a call that Keras makes with separate tensor arguments, some by keyword
/// (<see cref="Layer.TensorArgumentNames"/>: MultiHeadAttention's query, value, key and attention_mask), into a node's
/// inputs in the order of those names. Keras 3 writes <c>{"args": [query, value], "kwargs": {"attention_mask": ...}}</c>
/// (any argument may come either way); tf.keras 2 writes the first tensor as the inbound entry and every other argument
/// by keyword in its kwargs, each tensor as its [layer, node, tensor] triple (tf.keras's Node.serialize).
/// </summary>
internal static class FunctionalCallArguments
{
    /// <summary>The tensors of a Keras 3 node, given its positional <c>args</c> and its <c>kwargs</c>.</summary>
    public static IEnumerable<TensorSource> Read(Layer layer, IReadOnlyList<object?> positional, Config keywords,
        Func<object?, string, TensorSource> tensorOf, string where)
    {
        var names = layer.TensorArgumentNames!;
        if (layer.FirstTensorArgumentIsList)
            return positional.Count == 1 && positional[0] is List<object?> list
                ? list.Select((t, i) => tensorOf(t, $"{where}: '{names[0]}'[{i}]")).ToList()
                : throw new ArgumentException($"{where}: layer \"{layer.Name}\" ({layer.ClassName}) takes a list of tensors as its one argument '{names[0]}'.");
        if (positional.Count > layer.PositionalTensorArguments)
            throw new ArgumentException(
                $"{where}: layer \"{layer.Name}\" ({layer.ClassName}) takes at most {layer.PositionalTensorArguments} tensors by position " +
                $"({string.Join(", ", names.Take(layer.PositionalTensorArguments))}); found {positional.Count}.");
        var slots = new TensorSource?[names.Count];
        for (int i = 0; i < positional.Count; i++) slots[i] = tensorOf(positional[i], $"{where}: argument '{names[i]}'");
        for (int i = 0; i < names.Count; i++)
        {
            // An argument that is a constant here (TFOpLambda's y) is one of the call's options.
            if (!keywords.TryGet(names[i], out var value) || (layer.CallOptionNames.Contains(names[i]) && value is not Config)) continue;
            if (slots[i] is not null)
                throw new ArgumentException($"{where}: layer \"{layer.Name}\" ({layer.ClassName}) gets '{names[i]}' both by position and by keyword.");
            slots[i] = tensorOf(value, $"{where}: '{names[i]}'");
        }
        return Complete(layer, slots, where);
    }

    /// <summary>The tensors and the call options of a tf.keras 2 node: one [layer, node, tensor, kwargs] entry.</summary>
    public static (IEnumerable<TensorSource> Sources, Config Options) ReadKeras2(Layer layer, List<object?> inbound,
        Func<List<object?>, string, TensorSource> tripleOf, string where)
    {
        // A first argument that is a list of tensors (TFOpLambda's concat values) is one entry per tensor, each with the kwargs.
        bool list = layer.FirstTensorArgumentIsList;
        if ((!list && inbound.Count != 1) || inbound.Any(e => e is not List<object?> { Count: >= 3 }))
            throw new ArgumentException(
                $"{where}: layer \"{layer.Name}\" ({layer.ClassName}) expects {(list ? "[layer, node, tensor, kwargs] entries" : "one [layer, node, tensor, kwargs] entry")} " +
                $"(its first argument; the others by keyword); found {Config.Describe(inbound)}.");
        var entry = (List<object?>)inbound[0]!;
        if (entry[0] is "_CONSTANT_VALUE")
            throw new ArgumentException(
                $"{where}: layer \"{layer.Name}\" ({layer.ClassName}) is called on a constant first argument (tf.keras's _CONSTANT_VALUE, as " +
                "in 2 * x); Nabla reads the tensor first (x * 2).");
        var names = layer.TensorArgumentNames!;
        var slots = new TensorSource?[names.Count];
        slots[0] = tripleOf(entry, where);
        var options = new Config();
        var keywords = entry.Count > 3 && entry[3] is Config kwargs ? kwargs : [];
        foreach (var (key, value) in keywords)
        {
            if (value is null) continue;
            int index = IndexOf(names, key);
            if (index > 0 && IsTriple(value)) slots[index] = tripleOf((List<object?>)value, $"{where}: '{key}'");
            else if (layer.CallOptionNames.Contains(key) || key == Layer.TrainingOption) options[key] = value;
            else if (index > 0) throw new ArgumentException($"{where}: '{key}' must be a [layer, node, tensor] triple, found {Config.Describe(value)}.");
            else throw new ArgumentException($"{where}: call argument '{key}' of layer \"{layer.Name}\" ({layer.ClassName}) is not supported.");
        }
        if (list) return (inbound.Select((e, i) => tripleOf((List<object?>)e!, $"{where}: '{names[0]}'[{i}]")).ToList(), options);
        return (Complete(layer, slots, where), options);
    }

    /// <summary>The filled arguments up to the last one given; one left out before it takes its stand-in's tensor (a key
    /// its value's), or is refused.</summary>
    private static IEnumerable<TensorSource> Complete(Layer layer, TensorSource?[] slots, string where)
    {
        int last = Array.FindLastIndex(slots, s => s is not null);
        for (int i = 0; i <= last; i++)
        {
            if (slots[i] is not null) continue;
            int standIn = layer.TensorArgumentStandIn(i);
            slots[i] = standIn >= 0 && slots[standIn] is { } source ? source
                : throw new ArgumentException($"{where}: layer \"{layer.Name}\" ({layer.ClassName}) needs its '{layer.TensorArgumentNames![i]}' argument.");
        }
        return slots.Take(last + 1).Select(s => s!.Value);
    }

    /// <summary>Whether a kwargs value is tf.keras's [layer, node, tensor] triple rather than a constant.</summary>
    private static bool IsTriple(object? value) => value is List<object?> { Count: 3 } t && t[0] is string && t[1] is long && t[2] is long;

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }
}
