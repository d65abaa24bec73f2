// Checkpoint and resume, as Keras's BackupAndRestore and ModelCheckpoint do it.
//
//   dotnet run --project examples/CheckpointResume
//
// trains a small classifier for 6 epochs three ways: without interruption; then a run that crashes in
// epoch 4 and, started again, resumes from its backup at "Epoch 4/6"; and checks that both end with the same
// weights, bit for bit. ModelCheckpoint keeps the best model as it goes.
//
// Options (the tests use them to kill a real process): --backup DIR, --out FILE.safetensors (train once with a
// backup in DIR and save the final weights), --pause-at-epoch N (print "paused" in epoch N, 1-based, and wait).
using Nabla;
using Nabla.Callbacks;
using Nabla.Data;
using Nabla.Layers;

const int Epochs = 6;

var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--")).ToDictionary(p => p.a, p => args.ElementAtOrDefault(p.i + 1));
if (options.TryGetValue("--backup", out var backupDir))
{
    int pauseAt = options.TryGetValue("--pause-at-epoch", out var pause) ? int.Parse(pause!) : 0;
    var model = Train(backupDir!, pauseAt, crashAt: 0, out _);
    model.SaveWeights(options["--out"]!);
    return 0;
}

string work = Path.Combine(Path.GetTempPath(), "nabla-checkpoint-example-" + Environment.ProcessId);
try
{
    Console.WriteLine("== Uninterrupted run");
    var reference = Train(Path.Combine(work, "reference"), pauseAt: 0, crashAt: 0, out _);

    Console.WriteLine("== A run that crashes in epoch 4");
    string backup = Path.Combine(work, "resumed");
    try { Train(backup, pauseAt: 0, crashAt: 4, out _); }
    catch (SimulatedCrash e) { Console.WriteLine(e.Message); }
    Console.WriteLine($"Backup left behind: {File.Exists(Path.Combine(backup, BackupAndRestore.FileName))}");

    Console.WriteLine("== Started again");
    var resumed = Train(backup, pauseAt: 0, crashAt: 0, out var checkpoint);
    bool same = reference.GetWeights().Zip(resumed.GetWeights()).All(p => p.First.Data.SequenceEqual(p.Second.Data));
    Console.WriteLine($"Resumed run ends with the same weights as the uninterrupted one: {same}");
    Console.WriteLine($"Best model kept at: {Path.GetFileName(checkpoint.LastSavedPath)} (val_loss {checkpoint.Best:F4})");
    var best = Model.Load(checkpoint.LastSavedPath!);
    Console.WriteLine($"Reloaded best model's val_loss: {best.Evaluate(Data().xVal, Data().yVal)["loss"]:F4}");
    return same ? 0 : 1;
}
finally
{
    if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
}

static ((Tensor x, Tensor y) train, Tensor xVal, Tensor yVal) Data()
{
    var (x, labels) = Synthetic.Classification(samples: 600, features: 8, classes: 3, seed: 4, noise: 0.8);
    var y = Preprocessing.ToCategorical(labels, 3);
    var ((xTrain, yTrain), (xVal, yVal)) = Preprocessing.TrainTestSplit(x, y, testFraction: 0.2, seed: 4);
    return ((xTrain, yTrain), xVal, yVal);
}

static Sequential Train(string backupDir, int pauseAt, int crashAt, out ModelCheckpoint checkpoint)
{
    var ((x, y), xVal, yVal) = Data();
    Utils.SetRandomSeed(42);
    var model = new Sequential(
        new Dense(32, activation: "relu", inputShape: [8]),
        new Dropout(0.3),                       // draws from the generator: the backup must restore it
        new Dense(3, activation: "softmax"));
    model.Compile("adam", "categorical_crossentropy", ["accuracy"]);
    checkpoint = new ModelCheckpoint(Path.Combine(backupDir, "best-{epoch:02d}-{val_loss:.3f}.keras"), saveBestOnly: true);
    int epoch = 0;
    var interruptions = new LambdaCallback(
        onEpochBegin: (e, _) => epoch = e + 1,
        onBatchEnd: (batch, _) =>
        {
            if (batch != 2) return;
            if (epoch == crashAt) throw new SimulatedCrash($"Simulated crash in epoch {epoch}.");
            if (epoch == pauseAt)
            {
                Console.WriteLine("paused");
                Console.Out.Flush();
                Console.ReadLine();
            }
        });
    model.Fit(x, y, epochs: Epochs, batchSize: 32, validationData: (xVal, yVal), verbose: 2,
        callbacks: [new BackupAndRestore(backupDir), checkpoint, interruptions]);
    return model;
}

sealed class SimulatedCrash(string message) : Exception(message);
