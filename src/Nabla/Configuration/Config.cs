using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nabla.Configuration;

/// <summary>
/// A Keras config dictionary (<c>get_config()</c>): snake_case keys, values that are null, bool, double,
/// long, string, <see cref="List{T}"/> of values, or nested <see cref="Config"/>. Typed getters fail with
/// a message naming the key, the expected type and the value found.
/// </summary>
public sealed class Config : Dictionary<string, object?>
{
    public Config() : base(StringComparer.Ordinal) { }

    public Config(IDictionary<string, object?> values) : base(values, StringComparer.Ordinal) { }

    // Every key looked up, present or not: a key nobody looked up is one no reader knows (see UnreadKeys).
    private HashSet<string>? readKeys;

    private void MarkRead(string key) => (readKeys ??= new(StringComparer.Ordinal)).Add(key);

    public new bool TryGetValue(string key, out object? value)
    {
        MarkRead(key);
        return base.TryGetValue(key, out value);
    }

    public new bool ContainsKey(string key)
    {
        MarkRead(key);
        return base.ContainsKey(key);
    }

    public new object? this[string key]
    {
        get
        {
            MarkRead(key);
            return base[key];
        }
        set => base[key] = value;
    }

    /// <summary>Marks <paramref name="keys"/> as read: Keras arguments whose value does not change what Nabla computes
    /// (an implementation choice, a kernel selection), so that their presence is not taken for an unknown key.</summary>
    public void MarkWithoutEffect(params string[] keys)
    {
        foreach (var key in keys) MarkRead(key);
    }

    /// <summary>The keys no reader has looked up, in order.</summary>
    internal IEnumerable<string> UnreadKeys => Keys.Where(key => readKeys is null || !readKeys.Contains(key));

    public double GetDouble(string key, double fallback) => TryGet(key, out var v) ? ToDouble(key, v) : fallback;

    public double GetDouble(string key) => ToDouble(key, Require(key));

    public int GetInt(string key, int fallback) => TryGet(key, out var v) ? ToInt(key, v) : fallback;

    public int GetInt(string key) => ToInt(key, Require(key));

    public bool GetBool(string key, bool fallback) =>
        TryGet(key, out var v) ? v as bool? ?? throw WrongType(key, "a boolean", v) : fallback;

    /// <summary>A Keras flag that Keras tests with <c>if value:</c>: <paramref name="fallback"/> when absent, false when
    /// null (Python's None is falsy, so a null <c>use_bias</c> means no bias even though the default is True).</summary>
    public bool GetTruthy(string key, bool fallback) =>
        !TryGetValue(key, out var v) ? fallback : v is null ? false : GetBool(key, fallback);

    public string? GetString(string key, string? fallback) =>
        TryGet(key, out var v) ? v as string ?? throw WrongType(key, "a string", v) : fallback;

    public string GetString(string key) => Require(key) as string ?? throw WrongType(key, "a string", this[key]);

    /// <summary>An int list such as a shape; null entries (the batch axis) become -1.</summary>
    public int[]? GetIntArray(string key)
    {
        if (!TryGet(key, out var v)) return null;
        if (v is not IEnumerable<object?> list || v is string) throw WrongType(key, "a list of integers", v);
        return list.Select(item => item is null ? -1 : ToInt(key, item)).ToArray();
    }

    public Config? GetConfig(string key) =>
        TryGet(key, out var v) ? v as Config ?? throw WrongType(key, "an object", v) : null;

    /// <summary>The value under <paramref name="key"/>, or <paramref name="fallback"/> when absent or null.</summary>
    public object GetValueOr(string key, object fallback) => TryGet(key, out var v) ? v! : fallback;

    /// <summary>The value under <paramref name="key"/>: <paramref name="fallback"/> when absent, <paramref name="whenNull"/>
    /// when null. For keys whose Keras default is not None but whose None still has a meaning (an activation's None is
    /// linear, an initializer's None is add_weight's glorot_uniform).</summary>
    public object GetValueOr(string key, object fallback, object whenNull) =>
        !TryGetValue(key, out var v) ? fallback : v ?? whenNull;

    /// <summary>
    /// Refuses a null under any of <paramref name="keys"/>: keys whose Keras default is not None and whose None Keras
    /// does not read as that default (it fails on it, or gives it a meaning Nabla has no equivalent for), so that null
    /// must not fall back to the default. <paramref name="owner"/> names the class (and layer) in the message.
    /// </summary>
    public void RefuseNull(string owner, params string[] keys)
    {
        foreach (var key in keys)
            if (TryGetValue(key, out var v) && v is null)
                throw new ArgumentException(
                    $"{owner} config '{key}' must be a value or left out (for Keras's default), found null: " +
                    "Keras does not read None there as its default, and Nabla has no equivalent of what it does.");
    }

    /// <summary>Present and not null.</summary>
    public bool TryGet(string key, out object? value) => TryGetValue(key, out value) && value is not null;

    private object Require(string key) =>
        TryGet(key, out var v) ? v! : throw new ArgumentException($"Config is missing the required key '{key}'.");

    // JSON has no NaN or infinity; a number too large for a double (1e400) must not turn into one silently.
    private static double ToDouble(string key, object? v) => v switch
    {
        double d when !double.IsFinite(d) => throw WrongType(key, "a finite number", v),
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        _ => throw WrongType(key, "a number", v),
    };

    private static int ToInt(string key, object? v) => v switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        double d when d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue => (int)d,
        _ => throw WrongType(key, "an integer", v),
    };

    private static ArgumentException WrongType(string key, string expected, object? found) =>
        new($"Config key '{key}' must be {expected}, found {Describe(found)}.");

    internal static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        Config c => c.TryGet("class_name", out var name) && name is string className ? $"an object ({className})" : "an object",
        IEnumerable<object?> list => $"a list of {list.Count()}",
        _ => value.ToString() ?? "?",
    };

    // ---- JSON ----

    public static Config Parse(string json) =>
        FromJson(JsonNode.Parse(json) as JsonObject ?? throw new FormatException("Expected a JSON object."));

    public static Config FromJson(JsonObject obj)
    {
        var config = new Config();
        foreach (var (key, node) in obj) config[key] = FromJsonValue(node);
        return config;
    }

    public static object? FromJsonValue(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => FromJson(o),
        JsonArray a => a.Select(FromJsonValue).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => NumberOf(v),
            _ => null,
        },
        _ => null,
    };

    /// <summary>Integers become long, everything else double, whether the node was parsed from text or
    /// built from a CLR int/float.</summary>
    private static object NumberOf(JsonValue v)
    {
        if (v.TryGetValue<long>(out long l)) return l;
        if (v.TryGetValue<int>(out int i)) return (long)i;
        if (v.TryGetValue<double>(out double d)) return d;
        if (v.TryGetValue<float>(out float f)) return (double)f;
        return double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
    }

    public JsonObject ToJson()
    {
        var obj = new JsonObject();
        foreach (var (key, value) in this) obj[key] = ToJsonValue(value);
        return obj;
    }

    public static JsonNode? ToJsonValue(object? value) => value switch
    {
        null => null,
        Config c => c.ToJson(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        float f => JsonValue.Create((double)f),
        double d => JsonValue.Create(d),
        int[] ints => new JsonArray(ints.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray()),
        System.Collections.IEnumerable e => new JsonArray(e.Cast<object?>().Select(ToJsonValue).ToArray()),
        _ => throw new ArgumentException($"Cannot write a value of type {value.GetType().Name} to JSON."),
    };

    /// <summary>An independent copy, nested objects and lists included.</summary>
    public Config DeepClone() => Parse(ToJsonString());

    public string ToJsonString() => ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
