// Peer benchmark: inference of Nabla's own exported seed network (nabla bench --inference --onnx-out FILE)
// in ONNX Runtime (CPU execution provider), timed like Nabla's Predict: every sample of a random
// MNIST-shaped data set, one Run per batch, warm-up passes then the median of timed passes.
//
// Fair to ORT: the session is created once; for each batch size one input and one output OrtValue wrap
// preallocated pinned buffers and are bound once through an IOBinding, so a batch costs one copy in, one
// RunWithBinding and one copy out, which is what Predict does (copy into its placeholder, replay, copy out).
// Session options are ORT's defaults (graph optimization level ALL, sequential execution, spinning thread
// pool) except intra_op_num_threads, given by --intra-threads (0 = ORT's default: one per physical core).
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;

var options = BenchOptions.Parse(args);
using var sessionOptions = new SessionOptions { IntraOpNumThreads = options.IntraThreads };
using var session = new InferenceSession(options.Model, sessionOptions);
var inputMeta = session.InputMetadata["input"];
// A sample's shape (the model's input without its batch axis): [784] for the MLP, [28, 28, 1] for the CNN.
int[] sampleShape = inputMeta.Dimensions.Skip(1).ToArray();
int rowSize = sampleShape.Aggregate(1, (a, d) => a * d);
int outSize = session.OutputMetadata["output"].Dimensions.Skip(1).Aggregate(1, (a, d) => a * d);

// Data: uniform [0, 1), as the Nabla bench (the values do not affect the speed).
var rng = new Random(7);
var x = new float[options.Samples * rowSize];
for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
var y = new float[options.Samples * outSize];

Console.Error.WriteLine(
    $"onnxruntime {OrtEnv.Instance().GetVersionString()}: {options.Model}, {options.Samples} samples of {rowSize}, " +
    $"intra_op threads {(options.IntraThreads == 0 ? "default" : options.IntraThreads)}, warm-up {options.Warmup}, timed {options.Runs}");

foreach (int batch in options.Batches)
{
    using var runner = new BatchRunner(session, batch, options.Samples % batch, sampleShape, outSize);
    // At least 2 s of warm-up, as Nabla's bench does: the same settling time for both.
    var warming = Stopwatch.StartNew();
    for (int i = 0; i < options.Warmup || warming.Elapsed.TotalSeconds < 2; i++) runner.Pass(x, y);
    var seconds = new double[options.Runs];
    for (int i = 0; i < options.Runs; i++)
    {
        var clock = Stopwatch.StartNew();
        runner.Pass(x, y);
        seconds[i] = clock.Elapsed.TotalSeconds;
    }
    Array.Sort(seconds);
    double median = seconds[options.Runs / 2];
    string threads = options.IntraThreads == 0 ? "default" : options.IntraThreads.ToString(CultureInfo.InvariantCulture);
    Console.Error.WriteLine($"  batch {batch}: median {median:F4} s, min {seconds[0]:F4} s, y[0] = {y[0]:F5}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT framework=onnxruntime mode=inference batch={batch} intra_threads={threads} samples={options.Samples} " +
        $"median_s={median:0.000000} min_s={seconds[0]:0.000000} samples_per_s={options.Samples / median:0}"));
}

/// <summary>Preallocated, pre-bound buffers for one batch size (and the last, partial batch).</summary>
sealed class BatchRunner : IDisposable
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly Bound full;
    private readonly Bound? tail;
    private readonly int batch, rowSize, outSize;

    public BatchRunner(InferenceSession session, int batch, int tailRows, int[] sampleShape, int outSize)
    {
        this.session = session;
        this.batch = batch;
        rowSize = sampleShape.Aggregate(1, (a, d) => a * d);
        this.outSize = outSize;
        full = new Bound(session, batch, sampleShape, outSize);
        if (tailRows > 0) tail = new Bound(session, tailRows, sampleShape, outSize);
    }

    /// <summary>Every sample through the model, one Run per batch.</summary>
    public void Pass(float[] x, float[] y)
    {
        int samples = x.Length / rowSize;
        for (int start = 0; start < samples; start += batch)
        {
            var bound = samples - start >= batch ? full : tail!;
            x.AsSpan(start * rowSize, bound.Rows * rowSize).CopyTo(bound.Input);
            session.RunWithBinding(runOptions, bound.Binding);
            bound.Output.AsSpan().CopyTo(y.AsSpan(start * outSize));
        }
    }

    public void Dispose()
    {
        full.Dispose();
        tail?.Dispose();
        runOptions.Dispose();
    }

    private sealed class Bound : IDisposable
    {
        private readonly OrtValue inputValue, outputValue;

        public Bound(InferenceSession session, int rows, int[] sampleShape, int outSize)
        {
            Rows = rows;
            Input = new float[rows * sampleShape.Aggregate(1, (a, d) => a * d)];
            Output = new float[rows * outSize];
            inputValue = OrtValue.CreateTensorValueFromMemory(Input, [rows, .. sampleShape.Select(d => (long)d)]);
            outputValue = OrtValue.CreateTensorValueFromMemory(Output, [rows, outSize]);
            Binding = session.CreateIoBinding();
            Binding.BindInput("input", inputValue);
            Binding.BindOutput("output", outputValue);
        }

        public int Rows { get; }
        public float[] Input { get; }
        public float[] Output { get; }
        public OrtIoBinding Binding { get; }

        public void Dispose()
        {
            Binding.Dispose();
            inputValue.Dispose();
            outputValue.Dispose();
        }
    }
}

sealed record BenchOptions(string Model, int[] Batches, int Samples, int Warmup, int Runs, int IntraThreads)
{
    public static BenchOptions Parse(string[] args)
    {
        string? model = null;
        var batches = new List<int>();
        int samples = 10000, warmup = 1, runs = 5, intra = 0;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt(int min)
            {
                string name = args[i], text = Next();
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < min)
                    throw new ArgumentException($"{name} must be an integer >= {min}, found '{text}'.");
                return v;
            }
            switch (args[i])
            {
                case "--model": model = Next(); break;
                case "--batch": batches.Add(NextInt(1)); break;
                case "--samples": samples = NextInt(1); break;
                case "--warmup": warmup = NextInt(0); break;
                case "--runs": runs = NextInt(1); break;
                case "--intra-threads": intra = NextInt(0); break;
                default:
                    throw new ArgumentException(
                        $"unknown argument '{args[i]}'; expected --model FILE.onnx [--batch B]... [--samples 10000] " +
                        "[--warmup 1] [--runs 5] [--intra-threads 0 (ORT default)]");
            }
        }
        if (model is null) throw new ArgumentException("--model FILE.onnx is required (make one with: nabla bench --inference --onnx-out FILE.onnx).");
        if (!File.Exists(model)) throw new FileNotFoundException($"--model: no file at '{model}'.");
        return new BenchOptions(model, batches.Count > 0 ? [.. batches] : [1, 1024], samples, warmup, runs, intra);
    }
}
