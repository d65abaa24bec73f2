using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// The TensorFlow functions a tf.keras 2 <c>TFOpLambda</c> layer may name that Nabla computes, each with its arguments in
/// TensorFlow's order (the first is the tensor the layer is called on; the ones in <see cref="TFOpFunction.TensorArguments"/>
/// may be tensors too, or constants) and its math on Nabla's ops, axes counted with the batch axis as TensorFlow does.
/// </summary>
internal static class TFOpFunctions
{
    private static readonly Dictionary<string, TFOpFunction> Table = Build();

    /// <summary>The function tf.keras names (<c>math.add</c>, <c>__operators__.add</c>, <c>reshape</c>...), or an
    /// exception listing the supported ones.</summary>
    public static TFOpFunction Get(string name, string layerName) =>
        Table.TryGetValue(name, out var function) ? function
            : throw new ArgumentException(
                $"TFOpLambda '{layerName}' calls tf.{name}, which Nabla does not compute; supported: {string.Join(", ", Table.Keys.Order())}.");

    private static Dictionary<string, TFOpFunction> Build()
    {
        var table = new Dictionary<string, TFOpFunction>(StringComparer.Ordinal);
        void Add(TFOpFunction function, params string[] names)
        {
            foreach (var name in names) table[name] = function;
        }
        Add(Binary(Tensor.Add), "__operators__.add", "math.add");
        Add(Binary(Tensor.Subtract), "__operators__.sub", "math.subtract");
        Add(Binary(Tensor.Multiply), "__operators__.mul", "math.multiply");
        Add(Binary(Tensor.Divide), "__operators__.truediv", "math.truediv", "math.divide");
        Add(Binary(Tensor.Pow), "__operators__.pow", "math.pow");
        Add(Unary(Tensor.Exp), "math.exp");
        Add(Unary(Tensor.Log), "math.log");
        Add(Unary(Tensor.Sqrt), "math.sqrt");
        Add(Unary(x => Tensor.Multiply(x, x)), "math.square");
        Add(Unary(Tensor.Abs), "math.abs");
        Add(Unary(Tensor.Negate), "math.negative", "__operators__.neg");
        Add(Unary(x => x), "identity");
        foreach (var (activation, names) in new[]
                 {
                     ("relu", new[] { "nn.relu" }), ("sigmoid", ["math.sigmoid", "nn.sigmoid", "sigmoid"]),
                     ("tanh", ["math.tanh", "nn.tanh", "tanh"]), ("elu", ["nn.elu"]), ("softplus", ["math.softplus", "nn.softplus"]),
                     ("gelu", ["nn.gelu"]),
                 })
            Add(Unary(x => Activations.Activation.Get(activation).Apply(x)), names);
        Add(new TFOpFunction(["logits", "axis"], [], (t, o) => Softmax(t[0], o)), "nn.softmax", "math.softmax");
        Add(Reduction(Tensor.Sum), "math.reduce_sum", "reduce_sum");
        Add(Reduction(Tensor.Mean), "math.reduce_mean", "reduce_mean");
        Add(Reduction(Tensor.Max), "math.reduce_max", "reduce_max");
        Add(Reduction((x, axes, keep) => Tensor.Negate(Tensor.Max(Tensor.Negate(x), axes, keep))), "math.reduce_min", "reduce_min");
        Add(new TFOpFunction(["tensor", "shape"], [], (t, o) => Tensor.Reshape(t[0], Ints(o, "shape"))), "reshape");
        Add(new TFOpFunction(["input", "axis"], [], (t, o) => ExpandDims(t[0], o)), "expand_dims");
        Add(new TFOpFunction(["input", "axis"], [], (t, o) => Squeeze(t[0], o)), "squeeze", "compat.v1.squeeze");
        Add(new TFOpFunction(["a", "perm"], [], (t, o) => Transpose(t[0], o)), "transpose", "compat.v1.transpose");
        Add(new TFOpFunction(["values", "axis"], [], (t, o) => Tensor.Concat([.. t], Axis(o, "axis", t[0].Rank, required: true))), "concat");
        Add(new TFOpFunction(["a", "b", "transpose_a", "transpose_b"], ["b"], (t, o) => MatMul(t[0], Operand(t, o, "b"), o)),
            "linalg.matmul", "matmul", "__operators__.matmul");
        Add(new TFOpFunction(["x", "dtype"], [], (t, o) => Cast(t[0], o)), "cast", "dtypes.cast");
        Add(new TFOpFunction(["tensor", "slice_spec"], [], (t, o) => TFOpSlicing.GetItem(t[0], o.GetValueOrDefault("slice_spec"))),
            "__operators__.getitem");
        return table;
    }

    private static TFOpFunction Unary(Func<Tensor, Tensor> math) => new(["x"], [], (t, _) => math(t[0]));

    /// <summary>x op y, y a tensor of the graph or a constant (a number or nested lists), broadcast as TensorFlow does.</summary>
    private static TFOpFunction Binary(Func<Tensor, Tensor, Tensor> math) => new(["x", "y"], ["y"], (t, o) => math(t[0], Operand(t, o, "y")));

    private static TFOpFunction Reduction(Func<Tensor, int[], bool, Tensor> reduce) =>
        new(["input_tensor", "axis", "keepdims"], [], (t, o) =>
        {
            var x = t[0];
            bool keep = o.GetBool("keepdims", false);
            int[] axes = o.TryGet("axis", out _) ? Axes(o, "axis", x.Rank) : [.. Enumerable.Range(0, x.Rank)];
            return reduce(x, axes, keep);
        });

    /// <summary>The second operand: the node's second tensor, or the constant the call was given.</summary>
    private static Tensor Operand(IReadOnlyList<Tensor> tensors, Config options, string name)
    {
        if (tensors.Count > 1) return tensors[1];
        if (!options.TryGet(name, out var value))
            throw new ArgumentException($"tf.{name}: the call gives neither a tensor nor a constant for '{name}'.");
        return Constant(value, name);
    }

    /// <summary>A number, or nested lists of numbers, as a tensor of their shape.</summary>
    internal static Tensor Constant(object? value, string name)
    {
        var shape = new List<int>();
        for (var level = value; level is List<object?> list; level = list.Count > 0 ? list[0] : null) shape.Add(list.Count);
        var values = new List<float>();
        void Collect(object? v, int depth)
        {
            if (depth == shape.Count)
            {
                values.Add(v switch
                {
                    double d => (float)d,
                    long l => l,
                    bool b => b ? 1 : 0,
                    _ => throw new ArgumentException($"constant '{name}' must hold numbers, found {Config.Describe(v)}."),
                });
                return;
            }
            if (v is not List<object?> items || items.Count != shape[depth])
                throw new ArgumentException($"constant '{name}' must be a regular array of numbers; found rows of different lengths.");
            foreach (var item in items) Collect(item, depth + 1);
        }
        Collect(value, 0);
        return shape.Count == 0 ? Tensor.Scalar(values[0]) : Tensor.FromArray([.. values], [.. shape]);
    }

    private static Tensor Softmax(Tensor x, Config options)
    {
        if (options.TryGet("axis", out _) && Axis(options, "axis", x.Rank) != x.Rank - 1)
            throw new ArgumentException($"tf.nn.softmax over axis {options["axis"]}: Nabla computes the softmax over the last axis only.");
        return Activations.Activation.Get("softmax").Apply(x);
    }

    private static Tensor ExpandDims(Tensor x, Config options)
    {
        int axis = options.GetInt("axis");
        if (axis < 0) axis += x.Rank + 1;
        if (axis < 0 || axis > x.Rank) throw new ArgumentException($"tf.expand_dims: axis {options.GetInt("axis")} is outside [{-x.Rank - 1}, {x.Rank}].");
        return Tensor.Reshape(x, [.. x.Shape[..axis], 1, .. x.Shape[axis..]]);
    }

    private static Tensor Squeeze(Tensor x, Config options)
    {
        var axes = options.TryGet("axis", out _) ? Axes(options, "axis", x.Rank) : [.. Enumerable.Range(1, x.Rank - 1).Where(a => x.Shape[a] == 1)];
        foreach (int axis in axes)
            if (x.Shape[axis] != 1) throw new ArgumentException($"tf.squeeze: axis {axis} has size {x.Shape[axis]}, not 1.");
        return Tensor.Reshape(x, [.. x.Shape.Where((_, a) => !axes.Contains(a))]);
    }

    private static Tensor Transpose(Tensor x, Config options)
    {
        int[] perm = options.TryGet("perm", out _) ? Ints(options, "perm") : [.. Enumerable.Range(0, x.Rank).Reverse()];
        if (perm.Length == 0 || perm[0] != 0) throw new ArgumentException($"tf.transpose: perm [{string.Join(", ", perm)}] moves the batch axis.");
        return Tensor.Transpose(x, perm);
    }

    private static Tensor MatMul(Tensor a, Tensor b, Config options)
    {
        if (options.GetBool("transpose_a", false)) a = SwapLastTwo(a);
        if (options.GetBool("transpose_b", false)) b = SwapLastTwo(b);
        return a.Rank == 2 && b.Rank == 2 ? Tensor.MatMul(a, b) : Tensor.BatchMatMul(a, b);
    }

    private static Tensor SwapLastTwo(Tensor x) =>
        Tensor.Transpose(x, [.. Enumerable.Range(0, x.Rank - 2), x.Rank - 1, x.Rank - 2]);

    /// <summary>tf.cast to a float type keeps the values (Nabla computes in float32); to another type it would round them.</summary>
    private static Tensor Cast(Tensor x, Config options)
    {
        string dtype = options.GetString("dtype", "float32")!;
        return dtype is "float32" or "float16" or "float64" or "bfloat16" ? x
            : throw new ArgumentException($"tf.cast to '{dtype}': Nabla computes in float32 and does not cast to other types.");
    }

    private static int[] Ints(Config options, string key) =>
        options.TryGet(key, out var value) && value is List<object?> list
            ? [.. list.Select(v => v is long l ? (int)l : throw new ArgumentException($"'{key}' must hold integers, found {Config.Describe(v)}."))]
            : throw new ArgumentException($"'{key}' must be a list of integers, found {Config.Describe(options.GetValueOrDefault(key))}.");

    private static int Axis(Config options, string key, int rank, bool required = false)
    {
        if (!options.TryGet(key, out _) && !required) return rank - 1;
        int axis = options.GetInt(key);
        if (axis < -rank || axis >= rank) throw new ArgumentException($"'{key}' {axis} is outside [{-rank}, {rank - 1}].");
        return axis < 0 ? axis + rank : axis;
    }

    private static int[] Axes(Config options, string key, int rank)
    {
        int[] axes = options[key] is List<object?> ? Ints(options, key) : [options.GetInt(key)];
        return [.. axes.Select(a => a < -rank || a >= rank
            ? throw new ArgumentException($"'{key}' {a} is outside [{-rank}, {rank - 1}].")
            : a < 0 ? a + rank : a).Distinct().Order()];
    }
}

/// <summary>A function a TFOpLambda computes: its argument names in TensorFlow's order, those after the first that may be
/// graph tensors, and its math given the node's tensors (the first, then the tensor arguments given) and its options.</summary>
internal sealed record TFOpFunction(string[] Arguments, string[] TensorArguments, Func<IReadOnlyList<Tensor>, Config, Tensor> Apply);
