using Nabla.Losses;

namespace Nabla;

/// <summary>Checks of user data before any training step, with messages that say what was expected.</summary>
internal static class DataChecks
{
    /// <summary>x must be non-empty, finite and match the first layer's per-sample shape. Predict and TrainOnBatch
    /// pass <paramref name="checkFinite"/> false and check each batch as they load it (<see cref="CheckFiniteRows"/>
    /// names the sample), which reads the data once from memory instead of twice.</summary>
    public static void CheckInputs(Model model, Tensor x, string argument, bool checkFinite = true)
    {
        ArgumentNullException.ThrowIfNull(x, argument);
        if (x.Rank < 1 || x.Shape[0] == 0)
            throw new ArgumentException($"'{argument}' is empty (shape {Tensor.ShapeString(x.Shape)}); there is nothing to train on.", argument);
        // Spans, not slices: this runs on every TrainOnBatch, which must not allocate.
        var perSample = x.Shape.AsSpan(1);
        model.BuildIfNeeded(perSample);
        var expected = model.InputShape!;
        if (!Tensor.SameShape(expected, perSample))
            throw new ArgumentException(
                $"'{argument}' has per-sample shape {Layers.Layer.Describe(perSample.ToArray())} but layer '{model.Layers[0].Name}' " +
                $"expects {Layers.Layer.Describe(expected)} (full shape of {argument}: {Tensor.ShapeString(x.Shape)}).", argument);
        if (checkFinite) CheckFinite(x, argument);
    }

    /// <summary>x and y: same number of samples, y compatible with the output and the loss, all finite.</summary>
    /// <param name="checkInputsFinite">false when the caller checks x while it copies it (TrainOnBatch).</param>
    public static void CheckPair(Model model, Tensor x, Tensor y, string xName, string yName, bool checkInputsFinite = true)
    {
        CheckInputs(model, x, xName, checkInputsFinite);
        ArgumentNullException.ThrowIfNull(y, yName);
        if (y.Rank < 1 || y.Shape[0] != x.Shape[0])
            throw new ArgumentException(
                $"'{xName}' has {x.Shape[0]} samples but '{yName}' has {(y.Rank < 1 ? 0 : y.Shape[0])} " +
                $"(shapes {Tensor.ShapeString(x.Shape)} and {Tensor.ShapeString(y.Shape)}).", yName);
        CheckFinite(y, yName);
        var output = model.OutputShape!;
        var target = y.Shape.AsSpan(1);
        string lastLayer = model.Layers[^1].Name;
        if (model.Loss is Loss loss && loss.ExpectsIntegerLabels)
        {
            bool sparseShape = target.Length == 0 || (target.Length == 1 && target[0] == 1);
            if (!sparseShape || output.Length != 1)
                throw new ArgumentException(
                    $"Loss '{loss.Name}' expects integer labels of shape (None,) or (None, 1) and outputs (None, classes); " +
                    $"'{yName}' has per-sample shape {Layers.Layer.Describe(target.ToArray())} and layer '{lastLayer}' outputs {Layers.Layer.Describe(output)}.", yName);
            int classes = output[0];
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
        bool expandsToOneUnit = target.Length == 0 && output.Length == 1 && output[0] == 1;
        if (!expandsToOneUnit && !Tensor.SameShape(target, output))
            throw new ArgumentException(
                $"'{yName}' has per-sample shape {Layers.Layer.Describe(target.ToArray())} but layer '{lastLayer}' outputs " +
                $"{Layers.Layer.Describe(output)}" +
                (target.Length == 0 && output.Length == 1 && output[0] > 1
                    ? "; for integer labels use a sparse loss or Preprocessing.ToCategorical." : "."), yName);
    }

    private static void CheckFinite(Tensor t, string argument) => CheckFiniteRows(t, 0, t.Shape[0], argument);

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

    /// <summary>A copy of rows [start, end) of t.</summary>
    public static Tensor Rows(Tensor t, int start, int end)
    {
        int rowSize = t.Size / t.Shape[0];
        var data = t.Data.AsSpan(start * rowSize, (end - start) * rowSize).ToArray();
        return Tensor.FromArray(data, [end - start, .. t.Shape[1..]]);
    }
}
