using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nabla.Data;
using Nabla.Doctor;
using Nabla.Configuration;

namespace Nabla.Cli.Commands;

/// <summary>
/// <c>nabla gradients EXPERIMENT.json --out DIR</c>: the loss gradient on the first batch for every weight of
/// the freshly initialized model (one .npy per weight) and summary.json with norms and what is missing and why.
/// </summary>
internal static class GradientsCommand
{
    public static Command Create()
    {
        var experiment = new Argument<string>("experiment") { Description = "The experiment file." };
        var output = new Option<string>("--out") { Description = "Folder for the .npy files and summary.json.", Required = true };
        var command = new Command("gradients", "Write the first batch's gradient for every weight of the freshly initialized model.")
        {
            experiment, output,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var loaded = ExperimentFile.Load(parse.GetValue(experiment)!);
            string directory = parse.GetValue(output)!;
            Directory.CreateDirectory(directory);
            var model = loaded.BuildModel();
            int batch = Math.Min(loaded.BatchSize, loaded.X.Shape[0]);
            var x = Preprocessing.RowRange(loaded.X, 0, batch);
            var y = Preprocessing.RowRange(loaded.Y, 0, batch);
            var step = model.CaptureGradientStep(loaded.Inputs(x), loaded.Targets(model, y));
            var trainable = new HashSet<Tensor>(model.TrainableWeights, ReferenceEqualityComparer.Instance);
            var entries = new JsonArray();
            foreach (var weight in model.Weights)
            {
                string file = weight.Name!.Replace('/', '.') + ".npy";
                bool reached = trainable.Contains(weight) && weight.Grad is not null;
                string? why = reached ? null
                    : !trainable.Contains(weight) ? "not trainable (frozen layer or a statistic such as a moving mean)"
                    : step.Graph.BlockersOf(weight) is { Count: > 0 } blockers
                        ? "cut by non-differentiable operation(s): " + string.Join(", ", blockers.Select(b => b.Name).Distinct())
                        : "not connected to the loss";
                if (reached) Npy.Save(Path.Combine(directory, file), weight.Grad!);
                entries.Add(new JsonObject
                {
                    ["weight"] = weight.Name,
                    ["shape"] = new JsonArray(weight.Shape.Select(d => (JsonNode)d).ToArray()),
                    ["file"] = reached ? file : null,
                    ["norm"] = reached ? System.Numerics.Tensors.TensorPrimitives.Norm(weight.Grad!.Data.AsSpan()) : null,
                    ["missing"] = !reached,
                    ["reason"] = why,
                });
            }
            var summary = new JsonObject
            {
                ["experiment"] = loaded.Name,
                ["batch_size"] = batch,
                ["loss"] = step.Loss!.Data[0],
                ["weights"] = entries,
            };
            AtomicFile.WriteAllText(Path.Combine(directory, "summary.json"), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"Wrote {entries.Count(e => e!["missing"]!.GetValue<bool>() == false)} gradient files and summary.json to {Path.GetFullPath(directory)}.");
            return 0;
        }));
        return command;
    }
}
