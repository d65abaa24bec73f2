using System.Diagnostics;
using System.Globalization;
using Nabla.Doctor;
using Nabla.Data;

namespace Nabla.Cli.Bench;

/// <summary>
/// <c>nabla bench --profile</c>: where one training step's time goes, op by op (forward and backward),
/// plus the optimizer update, measured by repeating each piece on the captured graph.
/// </summary>
internal static class StepProfiler
{
    public static void Run(Experiment experiment, int repeats = 200)
    {
        var model = experiment.BuildModel();
        int batch = experiment.BatchSize;
        var x = Preprocessing.RowRange(experiment.X, 0, batch);
        var y = Preprocessing.RowRange(experiment.Y, 0, batch);
        // Warm up for a while: a kernel called once per step needs many calls before the JIT's tier-1
        // code replaces the quick first compile, and timing earlier measures the wrong code.
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed.TotalSeconds < 2) model.TrainOnBatch(x, y);
        var step = model.LastTrainStep!;
        var rows = new List<(string name, double forwardUs, double backwardUs)>();
        foreach (var op in step.Graph.Ops)
        {
            double forward = Time(op.Forward, repeats);
            double backward = op.Output.RequiresGrad ? Time(op.Backward, repeats) : 0;
            rows.Add((op.Name + " " + Tensor.ShapeString(op.Output.Shape), forward, backward));
        }
        // Split between the threads as in a step (there, split layers update during their backward pass).
        double optimizer = Time(() => model.Optimizer!.Apply(step.TrainableWeights, step.ParameterShards), repeats);
        double forwardAll = Time(step.Graph.Forward, repeats);
        double backwardAll = Time(step.Graph.Backward, repeats);
        double checks = Time(() => DataChecks.CheckPair(model, x, y, "x", "y"), repeats);
        double copy = Time(() => { x.Data.CopyTo(step.X.Data, 0); y.Data.CopyTo(step.Y!.Data, 0); }, repeats);
        double whole = Time(() => model.TrainOnBatch(x, y), repeats, out double fastest);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"Step profile at batch {batch} (µs, median of {repeats}):");
        foreach (var (name, f, b) in rows)
            Console.WriteLine(string.Create(inv, $"  {name,-36} forward {f,8:0.0}  backward {b,8:0.0}"));
        Console.WriteLine(string.Create(inv, $"  {"optimizer " + model.Optimizer!.ClassName,-36} {optimizer,16:0.0}"));
        Console.WriteLine(string.Create(inv, $"  {"graph forward",-36} {forwardAll,16:0.0}"));
        Console.WriteLine(string.Create(inv, $"  {"graph backward (incl. zeroing)",-36} {backwardAll,16:0.0}"));
        Console.WriteLine(string.Create(inv, $"  {"data checks",-36} {checks,16:0.0}"));
        Console.WriteLine(string.Create(inv, $"  {"copy batch",-36} {copy,16:0.0}"));
        Console.WriteLine(string.Create(inv, $"  {"whole TrainOnBatch",-36} {whole,16:0.0}  (fastest {fastest:0.0}: the figure a busy machine disturbs least)"));
    }

    /// <summary>The median wall time of <paramref name="repeats"/> calls, in µs.</summary>
    internal static double Time(Action action, int repeats) => Time(action, repeats, out _);

    private static double Time(Action action, int repeats, out double fastest)
    {
        var samples = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        fastest = samples[0];
        return samples[repeats / 2];
    }
}
