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
        return EvaluateChecked(x, y, batchSize);
    }

    /// <summary>Evaluate on data already checked (Fit's validation data, every epoch).</summary>
    private Dictionary<string, double> EvaluateChecked(Tensor x, Tensor y, int batchSize)
    {
        var metrics = CreateMetrics(y.Shape, [y.Shape[0], .. OutputShape!]);
        var lossMean = new Mean("loss");
        int total = x.Shape[0];
        for (int start = 0; start < total; start += batchSize)
        {
            int count = Math.Min(batchSize, total - start);
            var step = GetStep(StepKind.Evaluate, count, x, y);
            step.LoadContiguous(x, y, start);
            step.Run();
            lossMean.Update(step.Loss!.Data[0], count);
            UpdateMetrics(metrics, step);
        }
        var results = new Dictionary<string, double> { ["loss"] = lossMean.Result() };
        foreach (var m in metrics) results[m.Name] = m.Result();
        return results;
    }

    /// <summary>Runs one forward pass in inference mode, unbatched (Keras's <c>model(x)</c>).</summary>
    public Tensor Call(Tensor x, bool training = false)
    {
        DataChecks.CheckInputs(this, x, "x");
        Tensor h = x;
        foreach (var layer in layers) h = layer.Call(h, training);
        return h;
    }
}
