namespace Nabla;

/// <summary>
/// The history keys of compiled metrics, as Keras's CompileMetrics.result (keras/src/trainers/compile_utils.py): a
/// metric logs as <c>{name}</c>, or <c>{output}_{name}</c> for a model with several outputs; a repeated key gets
/// <c>_1</c>, <c>_2</c>...; a weighted metric whose key an earlier metric took logs as <c>weighted_{name}</c>
/// (with the output prefix), numbered in turn if that is taken too. Unweighted metrics must be named first.
/// </summary>
internal sealed class MetricKeys
{
    private readonly Dictionary<string, int> uses = [];

    public string Next(string name, string? output, bool weighted)
    {
        string key = Prefixed(name, output);
        if (uses.TryAdd(key, 1)) return key;
        if (weighted)
        {
            key = Prefixed($"weighted_{name}", output);
            if (uses.TryAdd(key, 1)) return key;
        }
        return $"{key}_{uses[key]++}";
    }

    private static string Prefixed(string name, string? output) => output is null ? name : $"{output}_{name}";
}
