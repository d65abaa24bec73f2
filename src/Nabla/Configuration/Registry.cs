namespace Nabla.Configuration;

/// <summary>
/// Resolves Keras identifiers to objects: the snake_case name ("he_uniform"), the class name
/// ("HeUniform") and any alias ("mse") all name the same entry. An unknown name throws an
/// <see cref="ArgumentException"/> that lists the valid names; nothing falls back to a default.
/// </summary>
public sealed class Registry<T> where T : class
{
    private readonly string kind;
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly List<string> displayNames = [];
    // One name per entry for messages: its first identifier (Keras's snake_case name), else its class name.
    private readonly List<string> listedNames = [];

    private sealed record Entry(string ClassName, Func<Config, T> Factory);

    /// <param name="kind">What the registry holds, for messages: "activation", "initializer"...</param>
    public Registry(string kind) => this.kind = kind;

    /// <summary>Registers a class under its class name and its identifiers.</summary>
    public Registry<T> Add(string className, Func<Config, T> fromConfig, params string[] identifiers)
    {
        var entry = new Entry(className, fromConfig);
        string listed = identifiers.Length > 0 ? identifiers[0] : className;
        if (!listedNames.Contains(listed)) listedNames.Add(listed);
        foreach (var name in identifiers.Prepend(className))
        {
            entries[Key(name)] = entry;
            if (!displayNames.Contains(name)) displayNames.Add(name);
        }
        return this;
    }

    /// <summary>
    /// Registers a user's class so that configs naming it load, as Keras's <c>register_keras_serializable</c>.
    /// Unlike <see cref="Add"/>, a name that is already taken is refused rather than replaced.
    /// </summary>
    public void Register(string className, Func<Config, T> fromConfig, params string[] identifiers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(className);
        ArgumentNullException.ThrowIfNull(fromConfig);
        foreach (var name in identifiers.Prepend(className))
            if (entries.TryGetValue(Key(name), out var taken))
                throw new ArgumentException(
                    $"Cannot register {kind} '{name}': the name is already taken by {taken.ClassName}.");
        Add(className, fromConfig, identifiers);
    }

    /// <summary>Every accepted spelling, for messages and completion.</summary>
    public IReadOnlyList<string> Names => displayNames;

    public bool Contains(string name) => entries.ContainsKey(Key(name));

    /// <summary>The registered class name for an identifier ("he_uniform" gives "HeUniform").</summary>
    public string ClassNameOf(string name) => Find(name).ClassName;

    /// <summary>Builds the object named <paramref name="name"/> from an optional config.</summary>
    public T Get(string name, Config? config = null)
    {
        var entry = Find(name);
        var item = entry.Factory(config ?? new Config());
        if (config is { Count: > 0 } && item is IKerasSerializable serializable) CheckKeysKnown(entry.ClassName, config, serializable);
        return item;
    }

    /// <summary>
    /// Refuses a config key that nothing read and the built object does not write back: Keras refuses an unknown
    /// argument ("Unrecognized keyword arguments"), and a key dropped here would be a setting silently ignored
    /// (a misspelled "stateful", a newer Keras argument that changes the math).
    /// </summary>
    private void CheckKeysKnown(string className, Config config, IKerasSerializable item)
    {
        var unread = config.UnreadKeys.ToList();
        if (unread.Count == 0) return;
        var written = item.GetConfig();
        unread.RemoveAll(written.ContainsKey);
        if (unread.Count == 0) return;
        var known = written.Keys.Union(config.Keys.Except(unread)).Order(StringComparer.Ordinal).ToList();
        string key = unread[0];
        string named = config.TryGetValue("name", out var name) && name is string text ? $" '{text}'" : "";
        throw new ArgumentException(
            $"{className}{named} config has the key '{key}' (value {Config.Describe(config[key])}), which Nabla does not read for " +
            $"this {kind}.{NameSuggestions.DidYouMean(key, known)} Keras refuses unknown arguments too; Nabla will not " +
            $"ignore one silently. Keys it reads: {string.Join(", ", known)}." +
            (unread.Count > 1 ? $" Other unknown keys: {string.Join(", ", unread.Skip(1))}." : ""));
    }

    /// <summary>
    /// Builds from what Keras writes: a plain identifier, or <c>{"class_name": X, "config": {...}}</c>
    /// (a <see cref="Config"/>), or an already-built <typeparamref name="T"/>.
    /// </summary>
    public T Deserialize(object spec) => spec switch
    {
        T built => built,
        string name => Get(name),
        Config c when c.TryGet("class_name", out var cls) && cls is string className =>
            Get(className, c.GetConfig("config") ?? new Config()),
        _ => throw new ArgumentException(
            $"Cannot read a {kind} from {Config.Describe(spec)}: expected a name or {{\"class_name\": ..., \"config\": ...}}."),
    };

    /// <summary>Writes <c>{"class_name": ..., "config": ...}</c>.</summary>
    public static Config Serialize(IKerasSerializable item) =>
        new() { ["class_name"] = item.ClassName, ["config"] = item.GetConfig() };

    private Entry Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (entries.TryGetValue(Key(name), out var entry)) return entry;
        string suggestion = NameSuggestions.Closest(name, displayNames, Key) is { } closest
            ? $" Did you mean '{listedNames.FirstOrDefault(n => entries[Key(n)] == entries[Key(closest)]) ?? closest}'?"
            : "";
        throw new ArgumentException(
            $"Unknown {kind} '{name}'.{suggestion} Valid {kind} names: {string.Join(", ", listedNames)}.");
    }

    /// <summary>"he_uniform", "HeUniform" and "heuniform" share one key.</summary>
    private static string Key(string name) => name.Replace("_", "").ToLowerInvariant();
}
