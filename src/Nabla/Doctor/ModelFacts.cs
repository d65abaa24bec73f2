using Nabla.Optimizers;

namespace Nabla.Doctor;

/// <summary>Small facts about a model that several checks need.</summary>
internal static class ModelFacts
{
    /// <summary>A classifier: probabilities out (softmax/sigmoid) or a cross-entropy loss.</summary>
    public static bool IsClassifier(Model model)
    {
        var (last, index) = StaticChecks.LastDense(model);
        if (model.Loss is { IsCrossEntropy: true }) return true;
        return last is not null && StaticChecks.OutputActivation(model, index).Name is "softmax" or "sigmoid";
    }

    /// <summary>ln(classes) for a cross-entropy loss (ln 2 for a single sigmoid unit); NaN for other losses.</summary>
    public static double UniformGuessLoss(Model model)
    {
        var (last, _) = StaticChecks.LastDense(model);
        if (last is null || model.Loss is not { IsCrossEntropy: true }) return double.NaN;
        return Math.Log(Math.Max(2, last.Units));
    }

    /// <summary>Optimizers that scale each step by a running gradient magnitude.</summary>
    public static bool IsAdaptive(Optimizer optimizer) =>
        optimizer.ClassName is "Adam" or "AdamW" or "Nadam" or "RMSprop" or "Adagrad" or "Adamax" or "Adadelta";
}
