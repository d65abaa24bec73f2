// Peer benchmark: Nabla's bench networks trained with TorchSharp (libtorch CPU), timed per epoch.
// Workloads (identical in every framework of bench/peers), 60,000 random MNIST-shaped samples, no shuffling,
// warm-up epochs then timed epochs; prints one RESULT line with the median epoch time:
// - --network mlp (default), --activation relu|sigmoid: 784-128(relu|sigmoid)-10(softmax), MSE, Adam(1e-3, 0.9, 0.999, 1e-7);
// - --network cnn: Keras's "simple MNIST convnet" (Conv2D 32 3x3 relu, max pool 2, Conv2D 64 3x3 relu, max
//   pool 2, flatten, dropout 0.5, dense 10 softmax), categorical crossentropy, the same Adam. libtorch is
//   channels-first, so the images are [N, 1, 28, 28]; the math is the same as Keras's channels-last.
//   Its RESULT line says activation=cnn, as Nabla's does.
// - --network depthwise: one MobileNet-style separable block on random 16x16x32 maps: Conv2d(32, 32, 3, padding 1,
//   groups 32) relu (Keras's DepthwiseConv2D), Conv2d(32, 64, 1) relu, global average pooling, Linear(64, 10),
//   log-softmax; categorical crossentropy, the same Adam. Channels-first [N, 32, 16, 16].
// - --network lstm|gru: nn.LSTM / nn.GRU with 128 units over random sequences of 50 steps of 32 features, the last
//   step's output into Linear(128, 1), MSE against random targets, the same Adam (activation=lstm|gru in RESULT).
using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

if (args.Length >= 2 && args[0] == "--accuracy-data") return ConvnetAccuracy.Run(args);

var options = BenchOptions.Parse(args);

torch.set_num_threads(options.Threads);
torch.manual_seed(42);

bool cnn = options.Network == "cnn";
bool depthwise = options.Network == "depthwise";
bool recurrent = options.Network is "lstm" or "gru";
// Data: x uniform in [0,1), y one-hot of uniform labels in 0..9 (values do not affect speed).
var x = cnn ? torch.rand(options.Samples, 1, 28, 28, dtype: ScalarType.Float32)
    : depthwise ? torch.rand(options.Samples, 32, 16, 16, dtype: ScalarType.Float32)
    : recurrent ? torch.rand(options.Samples, 50, 32, dtype: ScalarType.Float32)
    : torch.rand(options.Samples, 784, dtype: ScalarType.Float32);
var labels = torch.randint(0, 10, options.Samples, dtype: ScalarType.Int64);
var y = recurrent ? torch.rand(options.Samples, 1, dtype: ScalarType.Float32)
    : torch.nn.functional.one_hot(labels, 10).to_type(ScalarType.Float32);

// Slice the batches once: views, so the timed loop measures training, not data handling.
// The last batch is partial when B does not divide the sample count, as in Keras' fit.
var batches = new List<(Tensor X, Tensor Y)>();
for (long start = 0; start < options.Samples; start += options.Batch)
{
    long length = Math.Min(options.Batch, options.Samples - start);
    batches.Add((x.narrow(0, start, length), y.narrow(0, start, length)));
}

torch.nn.Module<Tensor, Tensor> model = recurrent
    ? new LastStepRegressor(options.Network)
    : cnn
    ? torch.nn.Sequential(
        ("conv1", torch.nn.Conv2d(1, 32, 3)), ("relu1", torch.nn.ReLU()), ("pool1", torch.nn.MaxPool2d(2)),
        ("conv2", torch.nn.Conv2d(32, 64, 3)), ("relu2", torch.nn.ReLU()), ("pool2", torch.nn.MaxPool2d(2)),
        ("flatten", torch.nn.Flatten()), ("dropout", torch.nn.Dropout(0.5)),
        ("output", torch.nn.Linear(1600, 10)), ("log_softmax", torch.nn.LogSoftmax(1)))
    : depthwise
    ? torch.nn.Sequential(
        ("depthwise", torch.nn.Conv2d(32, 32, 3, padding: 1, groups: 32)), ("relu1", torch.nn.ReLU()),
        ("pointwise", torch.nn.Conv2d(32, 64, 1)), ("relu2", torch.nn.ReLU()),
        ("pool", torch.nn.AdaptiveAvgPool2d(1)), ("flatten", torch.nn.Flatten()),
        ("output", torch.nn.Linear(64, 10)), ("log_softmax", torch.nn.LogSoftmax(1)))
    : torch.nn.Sequential(
        ("dense", torch.nn.Linear(784, 128)),
        ("activation", options.Activation == "relu" ? torch.nn.ReLU() : torch.nn.Sigmoid()),
        ("output", torch.nn.Linear(128, 10)),
        ("softmax", torch.nn.Softmax(1)));
var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7);

double RunEpoch()
{
    var clock = Stopwatch.StartNew();
    float lastLoss = 0;
    for (int i = 0; i < batches.Count; i++)
    {
        // The scope frees every temporary of the step at once, as Python's refcounting would.
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        var prediction = model.forward(batches[i].X);
        // mse_loss with mean reduction averages over all B*10 entries, which equals Keras'
        // mean over classes then over the batch. Categorical crossentropy of softmax probabilities is
        // -sum(y * log_softmax), averaged over the batch.
        var loss = cnn || depthwise
            ? -(batches[i].Y * prediction).sum(1).mean()
            : torch.nn.functional.mse_loss(prediction, batches[i].Y);   // MLP and recurrent workloads
        loss.backward();
        optimizer.step();
        if (i == batches.Count - 1) lastLoss = loss.item<float>();
    }
    clock.Stop();
    Console.Error.WriteLine($"  epoch {clock.Elapsed.TotalSeconds:F4} s, last loss {lastLoss:F5}");
    return clock.Elapsed.TotalSeconds;
}

Console.Error.WriteLine(
    $"torchsharp: {options.Network} batch {options.Batch}, {options.Activation}, {options.Samples} samples, " +
    $"threads {torch.get_num_threads()}, warm-up {options.Warmup}, timed {options.Epochs}");
for (int e = 0; e < options.Warmup; e++) RunEpoch();
var times = new double[options.Epochs];
for (int e = 0; e < options.Epochs; e++) times[e] = RunEpoch();

Console.WriteLine(BenchResult.Format("torchsharp", options, times));
return 0;

/// <summary>The command-line arguments every program of bench/peers accepts.</summary>
internal sealed record BenchOptions(int Batch, string Activation, int Epochs, int Warmup, int Samples, int Threads, string Network)
{
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>
        {
            ["--batch"] = "32", ["--activation"] = "relu", ["--epochs"] = "3",
            ["--warmup"] = "1", ["--samples"] = "60000", ["--threads"] = "2", ["--network"] = "mlp",
        };
        for (int i = 0; i < args.Length; i += 2)
        {
            if (!values.ContainsKey(args[i]))
                throw new ArgumentException(
                    $"Unknown argument '{args[i]}'; expected one of {string.Join(", ", values.Keys)}.");
            if (i + 1 >= args.Length)
                throw new ArgumentException($"Argument '{args[i]}' needs a value.");
            values[args[i]] = args[i + 1];
        }
        string activation = values["--activation"];
        if (activation != "relu" && activation != "sigmoid")
            throw new ArgumentException($"--activation must be 'relu' or 'sigmoid', found '{activation}'.");
        string network = values["--network"];
        if (network is not ("mlp" or "cnn" or "depthwise" or "lstm" or "gru"))
            throw new ArgumentException($"--network must be 'mlp', 'cnn', 'depthwise', 'lstm' or 'gru', found '{network}'.");
        return new BenchOptions(
            Positive(values, "--batch"), activation, Positive(values, "--epochs"),
            NonNegative(values, "--warmup"), Positive(values, "--samples"), Positive(values, "--threads"), network);
    }

    private static int Positive(Dictionary<string, string> values, string name)
    {
        int value = NonNegative(values, name);
        if (value == 0) throw new ArgumentException($"{name} must be at least 1, found 0.");
        return value;
    }

    private static int NonNegative(Dictionary<string, string> values, string name)
    {
        if (!int.TryParse(values[name], NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            throw new ArgumentException($"{name} must be a non-negative integer, found '{values[name]}'.");
        return value;
    }
}

/// <summary>The one machine-readable line that bench/compare.sh collects.</summary>
internal static class BenchResult
{
    public static string Format(string framework, BenchOptions options, double[] epochSeconds)
    {
        var sorted = epochSeconds.Order().ToArray();
        double median = sorted.Length % 2 == 1
            ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture,
            $"RESULT framework={framework} batch={options.Batch} activation={(options.Network == "mlp" ? options.Activation : options.Network)} " +
            $"threads={options.Threads} median_s={median:F4} min_s={sorted[0]:F4} " +
            $"samples_per_s={options.Samples / median:F0}");
    }
}

/// <summary>
/// <c>--accuracy-data DIR [--epochs 15] [--threads 2]</c>: Keras's simple MNIST convnet program on the digits
/// <c>nabla bench --network cnn --accuracy --data-out DIR</c> wrote (x [N, 28, 28, 1] in [0, 1], labels 0..9),
/// trained as Keras's Fit trains it: the last 10% held out (validation_split 0.1), the rest shuffled each epoch,
/// batch 128, Adam(1e-3, eps 1e-7), Keras's initializers (glorot_uniform kernels, zero biases). Prints the test
/// accuracy.
/// </summary>
internal static class ConvnetAccuracy
{
    public static int Run(string[] args)
    {
        string dir = args[1];
        int epochs = 15, threads = 2;
        for (int i = 2; i + 1 < args.Length; i += 2)
            switch (args[i])
            {
                case "--epochs": epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}' with --accuracy-data; expected --epochs or --threads.");
            }
        torch.set_num_threads(threads);
        torch.manual_seed(42);
        var xAll = ReadNpy(Path.Combine(dir, "x_train.npy")).permute(0, 3, 1, 2).contiguous();
        var yAll = ReadNpy(Path.Combine(dir, "y_train.npy")).to_type(ScalarType.Int64);
        var xTest = ReadNpy(Path.Combine(dir, "x_test.npy")).permute(0, 3, 1, 2).contiguous();
        var yTest = ReadNpy(Path.Combine(dir, "y_test.npy")).to_type(ScalarType.Int64);
        long train = xAll.shape[0] - (long)(xAll.shape[0] * 0.1);
        var x = xAll.narrow(0, 0, train);
        var y = yAll.narrow(0, 0, train);
        var model = torch.nn.Sequential(
            ("conv1", torch.nn.Conv2d(1, 32, 3)), ("relu1", torch.nn.ReLU()), ("pool1", torch.nn.MaxPool2d(2)),
            ("conv2", torch.nn.Conv2d(32, 64, 3)), ("relu2", torch.nn.ReLU()), ("pool2", torch.nn.MaxPool2d(2)),
            ("flatten", torch.nn.Flatten()), ("dropout", torch.nn.Dropout(0.5)),
            ("output", torch.nn.Linear(1600, 10)));
        using (torch.no_grad())
            foreach (var (name, parameter) in model.named_parameters())
                if (name.EndsWith("weight")) torch.nn.init.xavier_uniform_(parameter); else torch.nn.init.zeros_(parameter);
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7);
        var clock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            model.train();
            var order = torch.randperm(train);
            for (long start = 0; start < train; start += 128)
            {
                using var scope = torch.NewDisposeScope();
                var index = order.narrow(0, start, Math.Min(128, train - start));
                optimizer.zero_grad();
                var loss = torch.nn.functional.cross_entropy(model.forward(x.index_select(0, index)), y.index_select(0, index));
                loss.backward();
                optimizer.step();
            }
        }
        model.eval();
        double accuracy;
        using (torch.no_grad())
            accuracy = model.forward(xTest).argmax(1).eq(yTest).to_type(ScalarType.Float64).mean().item<double>();
        Console.Error.WriteLine($"torchsharp simple MNIST convnet, {epochs} epochs on {train} digits: test accuracy {accuracy:F4}, {clock.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT framework=torchsharp mode=accuracy network=cnn epochs={epochs} test_accuracy={accuracy:0.0000}"));
        return 0;
    }

    /// <summary>A little-endian float32 .npy file (as Nabla writes them) into a tensor of its shape.</summary>
    private static Tensor ReadNpy(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadByte() != 0x93 || new string(reader.ReadChars(5)) != "NUMPY")
            throw new InvalidDataException($"{path}: not a .npy file.");
        int major = reader.ReadByte();
        reader.ReadByte();
        int headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        string header = new(reader.ReadChars(headerLength));
        if (!header.Contains("'<f4'") || header.Contains("'fortran_order': True"))
            throw new InvalidDataException($"{path}: expected C-ordered float32 ('<f4'), found header {header.Trim()}.");
        int open = header.IndexOf("'shape': (", StringComparison.Ordinal) + 10;
        var shape = header[open..header.IndexOf(')', open)]
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(long.Parse).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[count];
        var bytes = reader.ReadBytes(checked((int)count * 4));
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return torch.tensor(values, shape);
    }
}

/// <summary>Keras's <c>Sequential(LSTM(128) or GRU(128), Dense(1))</c>: the recurrent layer's last output, then a linear unit.</summary>
internal sealed class LastStepRegressor : torch.nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.LSTM? lstm;
    private readonly TorchSharp.Modules.GRU? gru;
    private readonly torch.nn.Module<Tensor, Tensor> output;

    public LastStepRegressor(string cell) : base(nameof(LastStepRegressor))
    {
        if (cell == "lstm") lstm = torch.nn.LSTM(32, 128, batchFirst: true);
        else gru = torch.nn.GRU(32, 128, batchFirst: true);
        output = torch.nn.Linear(128, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var sequence = lstm is not null ? lstm.forward(x).Item1 : gru!.forward(x).Item1;
        return output.call(sequence.select(1, -1));
    }
}
