namespace Nabla.Layers;

/// <summary>Keras's <c>output_mode</c> of the numeric preprocessing layers (CategoryEncoding, Discretization,
/// IntegerLookup): the index itself, or an encoding of the indices over <c>depth</c> slots.</summary>
public enum TokenOutputMode
{
    /// <summary>"int": the index of each value, same shape as the input.</summary>
    Int,
    /// <summary>"one_hot": each value becomes a row of depth slots with a 1 at its index.</summary>
    OneHot,
    /// <summary>"multi_hot": each sample (its last axis) becomes depth slots, 1 where an index occurs.</summary>
    MultiHot,
    /// <summary>"count": as multi_hot, with how many times each index occurs.</summary>
    Count,
    /// <summary>"tf_idf": as count, each slot multiplied by its inverse document frequency weight.</summary>
    TfIdf,
}

/// <summary>Reading and writing <see cref="TokenOutputMode"/> under Keras's names.</summary>
internal static class TokenOutputModes
{
    /// <summary>Keras's name of a mode ("one_hot", ...).</summary>
    public static string KerasName(this TokenOutputMode mode) => mode switch
    {
        TokenOutputMode.Int => "int",
        TokenOutputMode.OneHot => "one_hot",
        TokenOutputMode.MultiHot => "multi_hot",
        TokenOutputMode.Count => "count",
        _ => "tf_idf",
    };

    /// <summary>The mode Keras names <paramref name="value"/>, among <paramref name="allowed"/>; with
    /// <paramref name="deprecatedNames"/> (CategoryEncoding and IntegerLookup, not Discretization) Keras's older "binary"
    /// (multi_hot) and "tf-idf" are read too. Anything else is refused, naming the layer and the valid names.</summary>
    public static TokenOutputMode Parse(string owner, string value, bool deprecatedNames, params TokenOutputMode[] allowed)
    {
        string name = !deprecatedNames ? value : value switch { "binary" => "multi_hot", "tf-idf" => "tf_idf", _ => value };
        foreach (var mode in allowed)
            if (mode.KerasName() == name) return mode;
        throw new ArgumentException(
            $"{owner}: 'output_mode' is \"{value}\"; expected one of {string.Join(", ", allowed.Select(m => $"\"{m.KerasName()}\""))}.");
    }
}
