using Nabla.Optimizers;

namespace Nabla.Diagnostics;

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

    /// <summary>Optimizers that scale each step by a running gradient magnitude.</summary>
    public static bool IsAdaptive(Optimizer optimizer) =>
        optimizer.ClassName is "Adam" or "AdamW" or "Nadam" or "RMSprop" or "Adagrad" or "Adamax" or "Adadelta";
}
