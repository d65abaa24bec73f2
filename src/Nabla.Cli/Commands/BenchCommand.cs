using System.CommandLine;
using System.Globalization;
using Nabla.Cli.Bench;
using Nabla.Doctor;

namespace Nabla.Cli.Commands;

/// <summary>
/// <c>nabla bench [EXPERIMENT.json] [--batch B]... [--activation relu|sigmoid] [--epochs 3] [--warmup 1]
/// [--samples 60000] [--threads N] [--doctor-overhead]</c>: end-to-end epoch time, samples/s and allocation
/// per step. Each configuration prints one machine-readable <c>RESULT</c> line (bench/compare.sh reads them).
/// <c>--inference [--onnx-out PATH]</c> times <c>Predict</c> instead (batch 1 and 1024 over 10,000 samples by
/// default) and exports the network to ONNX for the ONNX Runtime peer.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var experiment = new Argument<string?>("experiment") { Description = "An experiment file to time instead of the clinic's MNIST network.", Arity = ArgumentArity.ZeroOrOne };
        var batches = new Option<int[]>("--batch") { Description = "Batch size(s); default 32, 128 and 1024.", AllowMultipleArgumentsPerToken = true };
        var activation = new Option<string>("--activation") { Description = "Hidden activation of the MNIST network.", DefaultValueFactory = _ => "relu" };
        var network = new Option<string>("--network")
        {
            Description = "The timed network: mlp (784-128-10), mlp-functional (the same built with Input and Apply), cnn (Keras's simple MNIST convnet), depthwise (a MobileNet-style separable block on 16x16x32 maps), lstm or gru (128 units over 50 steps of 32 features, then Dense(1)).",
            DefaultValueFactory = _ => "mlp",
        };
        network.AcceptOnlyFromAmong("mlp", "mlp-functional", "cnn", "depthwise", "lstm", "gru");
        var epochs = new Option<int>("--epochs") { Description = "Timed epochs (the median is reported).", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up epochs.", DefaultValueFactory = _ => 1 };
        var samples = new Option<int>("--samples") { Description = "Samples per epoch of the random MNIST-shaped data.", DefaultValueFactory = _ => 60000 };
        var threads = new Option<int>("--threads") { Description = "Kernel threads (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var overhead = new Option<bool>("--doctor-overhead") { Description = "Also measure the training doctor's overhead on the clinic's Example 2." };
        var profile = new Option<bool>("--profile") { Description = "Print where one training step's time goes, op by op, instead of timing epochs." };
        var inference = new Option<bool>("--inference") { Description = "Time Predict on the MNIST network (default batch 1 and 1024, 10,000 samples, median of 5 passes) instead of training." };
        var lateUpdates = new Option<bool>("--update-after-backward") { Description = "Run split layers' optimizer updates after the backward pass instead of during it (to measure the fusion)." };
        var accuracy = new Option<bool>("--accuracy") { Description = "With --network cnn: train Keras's simple MNIST convnet program on the embedded MNIST sample (--epochs, default 15) and print its test accuracy." };
        var dataOut = new Option<string?>("--data-out") { Description = "With --accuracy: also write the sample's digits as .npy files into this folder, for the peers." };
        var onnxOut = new Option<string?>("--onnx-out") { Description = "With --inference: where to export the timed network as ONNX (default: a temporary file)." };
        var command = new Command("bench", "Time training epochs (the MNIST network or your experiment) and print RESULT lines.")
        {
            experiment, batches, activation, epochs, warmup, samples, threads, overhead, profile, inference, onnxOut, lateUpdates, network, accuracy, dataOut,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            int timed = parse.GetValue(epochs), warm = parse.GetValue(warmup), n = parse.GetValue(samples), t = parse.GetValue(threads);
            if (timed <= 0 || warm < 0 || n <= 0 || t <= 0)
                throw new ArgumentException($"--epochs, --samples and --threads must be positive and --warmup ≥ 0 (got {timed}, {n}, {t}, {warm}).");
            Kernels.KernelSettings.MaxThreads = t;
            Kernels.KernelSettings.UpdateDuringBackward = !parse.GetValue(lateUpdates);
            var sizes = parse.GetValue(batches) is { Length: > 0 } given ? given : null;
            string net = parse.GetValue(network)!;
            bool cnn = net == "cnn", recurrent = net is "lstm" or "gru", functional = net == "mlp-functional", depthwise = net == "depthwise";
            // RESULT lines name the workload in their activation field: relu, sigmoid, cnn, depthwise, lstm or gru.
            string workload = net is "mlp" or "mlp-functional" ? parse.GetValue(activation)! : net;
            RefuseIgnoredOptions(parse, experiment, activation, network, samples, overhead, profile, inference, accuracy, dataOut, onnxOut);
            if ((recurrent || functional || depthwise) && (parse.GetValue(inference) || parse.GetValue(accuracy)))
                throw new ArgumentException($"--network {net} times training only; --inference and --accuracy take mlp or cnn.");
            if (functional && parse.GetValue(profile))
                throw new ArgumentException("--profile takes mlp, cnn, depthwise, lstm or gru; mlp-functional replays the same steps as mlp.");
            if (parse.GetValue(accuracy))
            {
                if (!cnn) throw new ArgumentException("--accuracy needs --network cnn.");
                ConvnetAccuracy.Run(parse.GetResult(epochs) is { Implicit: false } ? timed : 15, seed: 42, parse.GetValue(dataOut));
                return 0;
            }
            if (parse.GetValue(inference))
            {
                // 10,000 samples (docs/performance.md's inference workload) unless --samples says otherwise.
                int count = parse.GetResult(samples) is { Implicit: false } ? n : 10000;
                var (model, x) = cnn ? InferenceTimer.ConvNet(count) : InferenceTimer.SeedNetwork(workload, count);
                RunInference(model, x, workload, sizes ?? [1, 1024], warm, t, parse.GetValue(onnxOut));
                return 0;
            }
            if (parse.GetValue(profile))
            {
                if (parse.GetValue(experiment) is string profiled)
                {
                    var loaded = ExperimentFile.Load(profiled);
                    foreach (int b in sizes ?? [loaded.BatchSize]) StepProfiler.Run(loaded with { BatchSize = b });
                }
                else if (recurrent)
                    foreach (int b in sizes ?? [32, 256])
                    {
                        StepProfiler.Run(EpochTimer.RecurrentNet(net, Math.Max(b, 1024), b));
                        RecurrentGemmProfile.Run(b, gatesPerUnit: net == "lstm" ? 4 : 3);
                    }
                else
                    foreach (int b in sizes ?? [32, 1024])
                        StepProfiler.Run(cnn ? EpochTimer.ConvNet(Math.Max(b, 1024), b)
                            : depthwise ? EpochTimer.DepthwiseNet(Math.Max(b, 1024), b)
                            : EpochTimer.SeedNetwork(workload, Math.Max(b, 1024), b));
                return 0;
            }
            if (parse.GetValue(experiment) is string file)
            {
                var loaded = ExperimentFile.Load(file);
                foreach (int b in sizes ?? [loaded.BatchSize])
                    Report(EpochTimer.Run(loaded with { BatchSize = b }, warm, timed), loaded.Name, b, "-", t);
            }
            else
            {
                foreach (int b in sizes ?? (cnn || depthwise ? [32, 128] : recurrent ? [32, 256] : [32, 128, 1024]))
                {
                    var timedNetwork = net switch
                    {
                        "cnn" => EpochTimer.ConvNet(n, b),
                        "depthwise" => EpochTimer.DepthwiseNet(n, b),
                        "lstm" or "gru" => EpochTimer.RecurrentNet(net, n, b),
                        "mlp-functional" => EpochTimer.SeedNetworkFunctional(workload, n, b),
                        _ => EpochTimer.SeedNetwork(workload, n, b),
                    };
                    Report(EpochTimer.Run(timedNetwork, warm, timed), timedNetwork.Name, b, workload, t);
                }
            }
            if (parse.GetValue(overhead)) DoctorOverhead.Run(Math.Min(n, 60000), warm, Math.Max(timed, 5));
            return 0;
        }));
        return command;
    }

    /// <summary>Throws for an option the chosen mode would not read, rather than run without it.</summary>
    private static void RefuseIgnoredOptions(ParseResult parse, Argument<string?> experiment, Option<string> activation, Option<string> network,
        Option<int> samples, Option<bool> overhead, Option<bool> profile, Option<bool> inference, Option<bool> accuracy,
        Option<string?> dataOut, Option<string?> onnxOut)
    {
        bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
        bool file = parse.GetValue(experiment) is not null, infer = parse.GetValue(inference), train = parse.GetValue(accuracy);
        string? refused =
            Given(dataOut) && !train ? "--data-out goes with --accuracy"
            : Given(onnxOut) && !infer ? "--onnx-out goes with --inference"
            : Given(activation) && parse.GetValue(network) is not ("mlp" or "mlp-functional") ? "--activation sets the MNIST MLP's hidden activation (--network mlp or mlp-functional)"
            : file && Given(network) ? "an experiment file is timed as it is written; --network picks one of the built-in networks instead"
            : file && Given(activation) ? "an experiment file sets its own activations; --activation applies to the built-in MNIST MLP"
            : file && (infer || train) ? "--inference and --accuracy time the built-in networks, not an experiment file"
            : file && Given(samples) ? "an experiment file brings its own samples; --samples sizes the built-in networks' random data"
            : parse.GetValue(overhead) && (infer || train || parse.GetValue(profile)) ? "--doctor-overhead runs after timed training epochs, not with --inference, --accuracy or --profile"
            : null;
        if (refused is not null) throw new ArgumentException(refused + ".");
    }

    private static void RunInference(Model model, Tensor x, string activation, int[] sizes, int warmup, int threads, string? onnxPath)
    {
        int samples = x.Shape[0];
        string path = onnxPath ?? Path.Combine(Path.GetTempPath(), $"nabla-bench-{activation}.onnx");
        model.Export(path, "onnx");
        Console.Error.WriteLine($"exported the timed network to {Path.GetFullPath(path)}");
        var inv = CultureInfo.InvariantCulture;
        foreach (int b in sizes)
        {
            if (b <= 0) throw new ArgumentException($"--batch must be positive, found {b}.");
            // A new result tensor per pass costs more than it seems on a VM: its fresh pages fault in at
            // ~10 µs each (1 ms for 10,000 × 10 floats), so it is reported apart from the reused output.
            var fresh = InferenceTimer.Run(model, x, b, warmup, timed: 5, output: null);
            var r = InferenceTimer.Run(model, x, b, warmup, timed: 5, output: new Tensor([samples, .. model.OutputShape!]));
            Console.Error.WriteLine(string.Create(inv,
                $"predict {samples} samples, batch {b,5} {activation,-8} threads {threads}: median {r.MedianSeconds:0.0000} s into a reused output " +
                $"({r.SamplesPerSecond:N0} samples/s, {r.AllocatedBytesPerBatch:0.0} B allocated per batch); {fresh.MedianSeconds:0.0000} s returning a new tensor"));
            Console.WriteLine(string.Create(inv,
                $"RESULT framework=nabla mode=inference batch={b} activation={activation} threads={threads} samples={samples} " +
                $"median_s={r.MedianSeconds:0.000000} min_s={r.MinSeconds:0.000000} samples_per_s={r.SamplesPerSecond:0} " +
                $"alloc_bytes_per_batch={r.AllocatedBytesPerBatch:0.0} output=reused new_output_median_s={fresh.MedianSeconds:0.000000}"));
        }
    }

    private static void Report(EpochTimer.Result r, string workload, int batch, string activation, int threads)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.Error.WriteLine(string.Create(inv,
            $"{workload} batch {batch,5} {activation,-8} threads {threads}: median {r.MedianSeconds:0.0000} s/epoch, " +
            $"{r.SamplesPerSecond:N0} samples/s, {r.AllocatedBytesPerStep:0.0} B allocated per step"));
        Console.WriteLine(string.Create(inv,
            $"RESULT framework=nabla batch={batch} activation={activation} threads={threads} median_s={r.MedianSeconds:0.0000} " +
            $"min_s={r.MinSeconds:0.0000} samples_per_s={r.SamplesPerSecond:0} alloc_bytes_per_step={r.AllocatedBytesPerStep:0.0}"));
    }
}
