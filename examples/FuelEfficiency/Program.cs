// Keras's "Predict fuel efficiency" (basic regression) tutorial, step by step with Nabla.
//
//   dotnet run --project examples/FuelEfficiency [path/to/auto-mpg.csv]
//
// Without an argument it reads data/fuel/fuel-invented.csv: 96 invented rows with the Auto MPG schema
// (see data/fuel/README.md), so the numbers it prints say nothing about real cars.
using Nabla;
using Nabla.Data;
using Nabla.Layers;
using Nabla.Optimizers;

string path = args.Length > 0 ? args[0] : FindInvented();

// pandas: pd.read_csv(url, na_values="?").dropna(); origin one-hot with get_dummies(prefix="", prefix_sep="")
var dataset = Table.ReadCsv(path, naValues: ["?", "NA", ""]).DropMissing().OneHot("Origin", prefix: "");
Console.WriteLine(dataset.Head());

// train = dataset.sample(frac=0.8, random_state=0); test = dataset.drop(train.index)
var (train, test) = dataset.Split(0.8, seed: 0);
var trainLabels = train.Pop("MPG").ToTensor();
var testLabels = test.Pop("MPG").ToTensor();
var trainFeatures = train.ToTensor();
var testFeatures = test.ToTensor();

Utils.SetRandomSeed(0);
var normalizer = new Normalization(inputShape: [trainFeatures.Shape[1]]);
normalizer.Adapt(trainFeatures);
var model = new Sequential(normalizer, new Dense(64, activation: "relu"), new Dense(64, activation: "relu"), new Dense(1));
model.Compile(new Adam(learningRate: 0.001), "mean_absolute_error");
model.Summary();

// Targets of shape [N] go with the one-unit output, as in Keras.
var history = model.Fit(trainFeatures, trainLabels, epochs: 150, validationSplit: 0.2, verbose: 0);
Console.WriteLine($"Final training MAE {history["loss"][^1]:F2}, validation MAE {history["val_loss"][^1]:F2}");
double testMae = model.Evaluate(testFeatures, testLabels)["loss"];
Console.WriteLine($"Test MAE: {testMae:F2} MPG");
Console.WriteLine($"First test predictions: {model.Predict(testFeatures)[..3]}");
return double.IsFinite(testMae) && testMae < history["loss"][0] ? 0 : 1;

static string FindInvented()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        string candidate = Path.Combine(dir.FullName, "data", "fuel", "fuel-invented.csv");
        if (File.Exists(candidate)) return candidate;
    }
    throw new FileNotFoundException("data/fuel/fuel-invented.csv was not found above the program; pass a CSV path.");
}
