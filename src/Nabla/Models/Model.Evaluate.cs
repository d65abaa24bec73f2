using Nabla.Metrics;

namespace Nabla;

public abstract partial class Model
{
    /// <summary>Loss and metrics over a data set in inference mode, as Keras's <c>model.evaluate</c>.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 32)
    {
        EnsureCompiled(nameof(Evaluate));
        if (batchSize <= 0) throw new ArgumentException($"Evaluate 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        DataChecks.CheckPair(this, x, y, "x", "y");
        var metrics = CreateMetrics(y.Shape, [y.Shape[0], .. OutputShape!]);
        var lossMean = new Mean("loss");
        int total = x.Shape[0];
        var indices = SequentialIndices(Math.Min(batchSize, total));
        for (int start = 0; start < total; start += batchSize)
        {
            int count = Math.Min(batchSize, total - start);
            var step = GetStep(StepKind.Evaluate, count, x, y);
            LoadRange(step, x, y, start, count, indices);
            step.Run();
            lossMean.Update(step.Loss!.Data[0], count);
            UpdateMetrics(metrics, step);
        }
        var results = new Dictionary<string, double> { ["loss"] = lossMean.Result() };
        foreach (var m in metrics) results[m.Name] = m.Result();
        return results;
    }

    /// <summary>Outputs for every sample in inference mode (dropout off, batch-norm moving statistics).</summary>
    public Tensor Predict(Tensor x, int batchSize = 32)
    {
        if (batchSize <= 0) throw new ArgumentException($"Predict 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        DataChecks.CheckInputs(this, x, "x");
        int total = x.Shape[0];
        var result = new Tensor([total, .. OutputShape!]);
        int rowSize = result.Size / Math.Max(1, total);
        var indices = SequentialIndices(Math.Min(batchSize, total));
        for (int start = 0; start < total; start += batchSize)
        {
            int count = Math.Min(batchSize, total - start);
            var step = GetStep(StepKind.Predict, count, x, null);
            LoadRange(step, x, null, start, count, indices);
            step.Run();
            step.Output.Data.AsSpan(0, count * rowSize).CopyTo(result.Data.AsSpan(start * rowSize));
        }
        return result;
    }

    /// <summary>Runs one forward pass in inference mode, unbatched (Keras's <c>model(x)</c>).</summary>
    public Tensor Call(Tensor x, bool training = false)
    {
        DataChecks.CheckInputs(this, x, "x");
        Tensor h = x;
        foreach (var layer in layers) h = layer.Call(h, training);
        return h;
    }

    private static int[] SequentialIndices(int count)
    {
        var indices = new int[count];
        for (int i = 0; i < count; i++) indices[i] = i;
        return indices;
    }

    private static void LoadRange(CapturedStep step, Tensor x, Tensor? y, int start, int count, int[] offsets)
    {
        // Shift the 0..count-1 index window to the batch's start without allocating a new array.
        for (int i = 0; i < count; i++) offsets[i] = start + i;
        step.Load(x, y, offsets.AsSpan(0, count));
    }
}
