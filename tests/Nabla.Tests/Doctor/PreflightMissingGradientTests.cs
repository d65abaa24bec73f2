using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Doctor;

/// <summary>Pre-flight says why a layer gets no gradient: the blocking op with its layer, a frozen layer, or a branch
/// that reaches no loss, as Model.FindMissingGradients finds them from the structure.</summary>
public class PreflightMissingGradientTests
{
    private static (Tensor X, Tensor Y) Data(int outputs) =>
        (GradientCheck.Random(1, -1, 1, 32, 4), GradientCheck.Random(2, -1, 1, 32, outputs));

    private static string MessageAbout(Diagnosis d, string layer) =>
        Assert.Single(d.Findings, f => f.Code == FindingCodes.MissingGradients && f.Layer == layer).Message;

    [Fact]
    public void ARoundingLambdaIsNamedWithItsOp()
    {
        var input = new Input([4]);
        var rounded = new Lambda(x => Tensor.Round(x), name: "rounding").Apply(new Dense(3, name: "before_round").Apply(input));
        var model = new Model(input, new Dense(1, name: "after_round").Apply(rounded));
        model.Compile("sgd", "mse");
        var (x, y) = Data(1);
        string message = MessageAbout(TrainingDoctor.Preflight(model, x, y), "before_round");
        Assert.Contains("'round'", message);
        Assert.Contains("'rounding' (Lambda)", message);
    }

    [Fact]
    public void AFrozenLayerIsNamedAsFrozen()
    {
        var input = new Input([4]);
        var frozen = new Dense(4, name: "frozen_dense") { Trainable = false };
        var model = new Model(input, new Dense(1, name: "head").Apply(frozen.Apply(input)));
        model.Compile("sgd", "mse");
        var (x, y) = Data(1);
        string message = MessageAbout(TrainingDoctor.Preflight(model, x, y), "frozen_dense");
        Assert.Contains("frozen (trainable = false)", message);
        Assert.DoesNotContain("not connected", message);
    }
}
