using Nabla.Configuration;

namespace Nabla.Doctor;

internal static partial class Repairs
{
    /// <summary>How far below its optimizer's Keras default a rate must be for a raise to go to the default first.</summary>
    internal const double FarFromDefault = 100;

    /// <summary>
    /// One step of the learning-rate search: a decade from the run being repaired, one more on each try (x10, x100, x1000).
    /// A rate <see cref="FarFromDefault"/> times or more below its optimizer's Keras default is raised to the default on
    /// the first try, and by decades from the run after that. The default is a rate known to work on most problems
    /// (Adam's 1e-3 is Kingma and Ba's); runs at rates a decade apart far below it learn too little to tell apart, so
    /// the decade search from Adam at 1e-7 spends most of its attempts on noise. Far above the default the decades
    /// stay: each step down changes the run clearly (it stops diverging, or its loss falls), and the default can be
    /// too small for the budget (SGD's 0.01 for a CNN that learns best at 0.1).
    /// </summary>
    private static (Experiment, string)? StepLearningRate(Experiment e, bool down, int repeat, Model trained)
    {
        var spec = OptimizerSpec(e);
        var config = spec.GetConfig("config")!;
        double lr = config.TryGet("learning_rate", out _) ? config.GetDouble("learning_rate") : trained.Optimizer!.LearningRate;
        double fallback = DefaultLearningRate(spec);
        bool far = !down && lr <= fallback / FarFromDefault;
        double next = far && repeat == 0 ? fallback : lr * Math.Pow(down ? 0.1 : 10, far ? repeat : repeat + 1);
        config["learning_rate"] = next;
        string name = spec.GetString("class_name");
        return (e with { Optimizer = spec }, $"learning rate {lr:G3} -> {next:G3}" + (far && repeat == 0 ? $" ({name}'s default)" : ""));
    }

    /// <summary>The learning rate the optimizer of <paramref name="spec"/> has when none is given (Keras's defaults).</summary>
    private static double DefaultLearningRate(Config spec) =>
        Optimizers.Optimizer.Registry.Deserialize(Optimizer(spec.GetString("class_name"), new Config())).LearningRate;
}
