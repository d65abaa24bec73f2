// Keras's beginner quickstart ("TensorFlow 2 quickstart for beginners") with Nabla: a model that outputs
// logits, a loss with from_logits, then a softmax on top for probabilities.
//
//   dotnet run --project examples/MnistQuickstart
//
// It trains on the MNIST sample embedded in Nabla (8,000 + 2,000 images) so it runs offline in seconds;
// Mnist.Load() gives the full set.
using Nabla;
using Nabla.Datasets;
using Nabla.Layers;
using Nabla.Losses;

var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadSample();
xTrain = Tensor.Multiply(xTrain, Tensor.FromArray([1f / 255]));   // x_train / 255.0
xTest = Tensor.Multiply(xTest, Tensor.FromArray([1f / 255]));

Utils.SetRandomSeed(0);
var model = new Sequential(
    new Flatten(inputShape: [28, 28]),
    new Dense(128, activation: "relu"),
    new Dropout(0.2),
    new Dense(10));                                                // logits

Console.WriteLine($"Untrained probabilities of the first image: {Softmax(model.Predict(xTrain[..1]))}");
model.Compile("adam", new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
model.Fit(xTrain, yTrain, epochs: 2, verbose: 2);
var evaluation = model.Evaluate(xTest, yTest);
Console.WriteLine($"Test loss {evaluation["loss"]:F4}, accuracy {evaluation["accuracy"]:F4}");

// probability_model = keras.Sequential([model, keras.layers.Softmax()])
var probabilityModel = new Sequential([.. model.Layers, new Activation("softmax")], "probability_model");
var probabilities = probabilityModel.Predict(xTest[..5]);
Console.WriteLine(probabilities);
Console.WriteLine($"Labels: {yTest[..5]}");
return evaluation["accuracy"] > 0.85 ? 0 : 1;

static Tensor Softmax(Tensor logits) => new Activation("softmax").Call(logits, training: false);
