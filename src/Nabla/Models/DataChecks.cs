using Nabla.Losses;

namespace Nabla;

/// <summary>Checks of user data before any training step, with messages that say what was expected.</summary>
internal static class DataChecks
{
    /// <summary>x must be non-empty, finite and match the model's per-sample input shape. Predict and TrainOnBatch
    /// pass <paramref name="checkFinite"/> false and check each batch as they load it (<see cref="CheckFiniteRows"/>
    /// names the sample), which reads the data once from memory instead of twice. Allocates nothing for a built model.</summary>
    public static void CheckInputs(Model model, Tensor x, string argument, bool checkFinite = true)
    {
        ArgumentNullException.ThrowIfNull(x, argument);
        if (model.InputCount != 1)
            throw new ArgumentException(
                $"Model '{model.Name}' has {model.InputCount} inputs ({string.Join(", ", model.InputNames)}); give one array per input " +
                "(Tensor[]) or a dictionary keyed by input name.", argument);
        if (x.Rank < 1 || x.Shape[0] == 0)
            throw new ArgumentException($"'{argument}' is empty (shape {Tensor.ShapeString(x.Shape)}); there is nothing to train on.", argument);
        // Spans, not slices: this runs on every TrainOnBatch, which must not allocate.
        var perSample = x.Shape.AsSpan(1);
        model.BuildIfNeeded(perSample);
        CheckInputShape(model, x, model.InputShape!, argument, 0);
        if (checkFinite) CheckFinite(x, argument);
    }

    /// <summary>One array per input, each non-empty, finite, with the input's shape, all with the same samples.</summary>
    public static void CheckInputs(Model model, IReadOnlyList<Tensor> xs, string argument, bool checkFinite = true)
    {
        ArgumentNullException.ThrowIfNull(xs, argument);
        if (xs.Count == 1 && model.InputCount == 1)
        {
            CheckInputs(model, xs[0], argument, checkFinite);
            return;
        }
        if (xs.Count != model.InputCount)
            throw new ArgumentException(
                $"Model '{model.Name}' has {model.InputCount} inputs ({string.Join(", ", model.InputNames)}) but {xs.Count} arrays were given in '{argument}'.", argument);
        // Names are built only for a message: a steady-state TrainOnBatch must not allocate.
        string Name(int i) => $"{argument}['{model.InputNames[i]}']";
        for (int i = 0; i < xs.Count; i++)
        {
            if (xs[i] is null) throw new ArgumentNullException(Name(i));
            if (xs[i].Rank < 1 || xs[i].Shape[0] == 0)
                throw new ArgumentException($"'{Name(i)}' is empty (shape {Tensor.ShapeString(xs[i].Shape)}); there is nothing to train on.", argument);
            if (xs[i].Shape[0] != xs[0].Shape[0])
                throw new ArgumentException(
                    $"'{Name(i)}' has {xs[i].Shape[0]} samples but '{Name(0)}' has {xs[0].Shape[0]}; every input needs the same samples.", argument);
            if (!Layers.Layer.Fits(model.InputShapes![i], xs[i].Shape.AsSpan(1))) CheckInputShape(model, xs[i], model.InputShapes![i], Name(i), i);
            if (checkFinite && !IsFinite(xs[i])) CheckFinite(xs[i], Name(i));
        }
    }

    private static void CheckInputShape(Model model, Tensor x, int[] expected, string argument, int input)
    {
        var perSample = x.Shape.AsSpan(1);
        if (!Layers.Layer.Fits(expected, perSample))
            throw new ArgumentException(
                $"'{argument}' has per-sample shape {Layers.Layer.Describe(perSample.ToArray())} but " +
                (model.InputCount == 1 ? $"layer '{model.Layers[0].Name}'" : $"input '{model.InputNames[input]}' of model '{model.Name}'") +
                $" expects {Layers.Layer.Describe(expected)} (full shape of {argument}: {Tensor.ShapeString(x.Shape)}).", argument);
    }

    /// <summary>x and y: same number of samples, y compatible with the output and the loss, all finite.</summary>
    /// <param name="checkInputsFinite">false when the caller checks x while it copies it (TrainOnBatch).</param>
    public static void CheckPair(Model model, Tensor x, Tensor y, string xName, string yName, bool checkInputsFinite = true)
    {
        CheckInputs(model, x, xName, checkInputsFinite);
        if (model.OutputCount != 1)
            throw new ArgumentException(
                $"Model '{model.Name}' has {model.OutputCount} outputs ({string.Join(", ", model.OutputNames)}); give one target array per output " +
                "(Tensor[]) or a dictionary keyed by output name.", yName);
        CheckTargets(model, model.HasUnknownAxes ? model.OutputShapesFor([x])[0] : model.OutputShape!, x, y, 0, xName, yName, keyed: false);
    }

    /// <summary>Inputs as <see cref="CheckInputs(Model, IReadOnlyList{Tensor}, string, bool)"/>; one target array per output
    /// (null allowed for an output without a loss), each compatible with its output and loss.</summary>
    public static void CheckPair(Model model, IReadOnlyList<Tensor> xs, IReadOnlyList<Tensor?> ys, string xName, string yName)
    {
        CheckInputs(model, xs, xName);
        ArgumentNullException.ThrowIfNull(ys, yName);
        if (ys.Count != model.OutputCount)
            throw new ArgumentException(
                $"Model '{model.Name}' has {model.OutputCount} outputs ({string.Join(", ", model.OutputNames)}) but {ys.Count} target arrays were given in '{yName}'.", yName);
        string Name(int o) => ys.Count == 1 ? yName : $"{yName}['{model.OutputNames[o]}']";
        for (int o = 0; o < ys.Count; o++)
        {
            if (ys[o] is { } y) CheckTargets(model, model.OutputShapeFor(xs, o), xs[0], y, o, xName, yName, keyed: ys.Count > 1);
            else if (model.Losses.Count > o && model.Losses[o] is not null)
                throw new ArgumentException($"Output '{model.OutputNames[o]}' has a loss but '{Name(o)}' gives no targets for it.", yName);
        }
    }

    /// <param name="keyed">Whether messages name the targets as <c>y['output']</c> (built only when one is needed).</param>
    /// <param name="outputShape">The output's per-sample shape for this data (its unknown axes resolved).</param>
    private static void CheckTargets(Model model, int[] outputShape, Tensor x, Tensor y, int output, string xName, string argument, bool keyed)
    {
        if (y.Rank >= 1 && y.Shape[0] == x.Shape[0] && IsFinite(y) && model.Losses.Count > output && model.Losses[output] is { ExpectsIntegerLabels: false }
            && Tensor.SameShape(y.Shape.AsSpan(1), outputShape))
            return;
        string yName = keyed ? $"{argument}['{model.OutputNames[output]}']" : argument;
        ArgumentNullException.ThrowIfNull(y, yName);
        if (y.Rank < 1 || y.Shape[0] != x.Shape[0])
            throw new ArgumentException(
                $"'{xName}' has {x.Shape[0]} samples but '{yName}' has {(y.Rank < 1 ? 0 : y.Shape[0])} " +
                $"(shapes {Tensor.ShapeString(x.Shape)} and {Tensor.ShapeString(y.Shape)}).", yName);
        CheckFinite(y, yName);
        var target = y.Shape.AsSpan(1);
        string lastLayer = model.OutputCount == 1 ? model.Layers[^1].Name : model.OutputNames[output];
        var loss = model.Losses.Count > output ? model.Losses[output] : null;
        if (loss is not null && loss.ExpectsIntegerLabels)
        {
            // Keras's sparse losses take the output's shape without its class axis, or with a class axis of 1:
            // (None,) or (None, 1) for (None, classes), (None, steps) or (None, steps, 1) for (None, steps, classes).
            var leading = outputShape.AsSpan(0, Math.Max(outputShape.Length - 1, 0));
            bool sparseShape = outputShape.Length >= 1 && (target.SequenceEqual(leading)
                || (target.Length == outputShape.Length && target[^1] == 1 && target[..^1].SequenceEqual(leading)));
            if (!sparseShape)
                throw new ArgumentException(
                    $"Loss '{loss.Name}' expects integer labels of the output's shape without its class axis, or with a class axis of 1 " +
                    $"((None,) or (None, 1) for outputs (None, classes)); " +
                    $"'{yName}' has per-sample shape {Layers.Layer.Describe(target.ToArray())} and layer '{lastLayer}' outputs {Layers.Layer.Describe(outputShape)}.", yName);
            int classes = outputShape[^1];
            for (int i = 0; i < y.Size; i++)
            {
                float label = y.Data[i];
                if (label < 0 || label >= classes || label != MathF.Floor(label))
                    throw new ArgumentException(
                        $"'{yName}'[{i}] = {label} is not a class index in 0..{classes - 1} (layer '{lastLayer}' has {classes} outputs).", yName);
            }
            return;
        }
        // Keras expands targets of shape (None,) to (None, 1) for a one-unit output (squeeze_or_expand_to_same_rank).
        bool expandsToOneUnit = target.Length == 0 && outputShape.Length == 1 && outputShape[0] == 1;
        if (!expandsToOneUnit && !Tensor.SameShape(target, outputShape))
            throw new ArgumentException(
                $"'{yName}' has per-sample shape {Layers.Layer.Describe(target.ToArray())} but layer '{lastLayer}' outputs " +
                $"{Layers.Layer.Describe(outputShape)}" +
                (target.Length == 0 && outputShape.Length == 1 && outputShape[0] > 1
                    ? "; for integer labels use a sparse loss or Preprocessing.ToCategorical." : "."), yName);
    }

    private static void CheckFinite(Tensor t, string argument) => CheckFiniteRows(t, 0, t.Shape[0], argument);

    /// <summary>No NaN or ±Inf: a finite sum times zero is zero (an overflowing sum only sends callers to the exact scan).</summary>
    private static bool IsFinite(Tensor t) => float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(t.Data) * 0f);

    /// <summary>Rows [firstRow, firstRow + rows) of t hold no NaN or ±Inf; the message gives the sample.</summary>
    public static void CheckFiniteRows(Tensor t, int firstRow, int rows, string argument)
    {
        int rowSize = t.Size / Math.Max(1, t.Shape[0]);
        int start = firstRow * rowSize, end = start + rows * rowSize;
        // Fast path: a finite sum times zero is zero; any NaN or ±Inf makes it NaN (an overflowing
        // sum of finite values only sends us to the exact scan below).
        if (float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(t.Data.AsSpan(start, end - start)) * 0f)) return;
        for (int i = start; i < end; i++)
            if (!float.IsFinite(t.Data[i]))
                throw new ArgumentException(
                    $"'{argument}' contains {t.Data[i]} at sample {i / Math.Max(1, t.Size / t.Shape[0])}, " +
                    $"flat index {i}; clean or impute the data before training.", argument);
    }
}
