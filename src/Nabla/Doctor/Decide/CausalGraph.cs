namespace Nabla.Doctor;

/// <summary>
/// Which finding can cause which: a root cause (a mismatched output, raw inputs, a learning rate) produces symptoms
/// (saturation, dead units, vanishing or exploding gradients), and every problem ends in a stalled loss. Codes are
/// listed causes first; every edge points from an earlier code to a later one, so the graph has no cycle.
/// </summary>
internal static class CausalGraph
{
    public static readonly IReadOnlyList<string> Order =
    [
        FindingCodes.UnseenValidationClasses, FindingCodes.LossOutputMismatch, FindingCodes.UnnormalizedInputs, FindingCodes.UnscaledTargets,
        FindingCodes.MissingGradients, FindingCodes.DominatingLoss,
        FindingCodes.PoorInitialization, FindingCodes.LearningRateTooHigh, FindingCodes.LearningRateTooLow, FindingCodes.SaturatedActivations,
        FindingCodes.SaturatedGates, FindingCodes.ExplodingGradients,
        FindingCodes.DeadRelu, FindingCodes.VanishingGradients, FindingCodes.NanLoss, FindingCodes.OscillatingLoss, FindingCodes.LossPlateau,
        FindingCodes.Overfitting, FindingCodes.TooFewEpochs,
    ];

    private static readonly Dictionary<string, string[]> Effects = new()
    {
        [FindingCodes.LossOutputMismatch] = [FindingCodes.MissingGradients, FindingCodes.LearningRateTooLow, FindingCodes.OscillatingLoss,
            FindingCodes.LossPlateau],
        [FindingCodes.MissingGradients] = [FindingCodes.LossPlateau],
        // The optimizer follows the total: a starved output's loss stalls while the dominant one's falls.
        // A loss weight large enough to blow up the shared layers' steps also blows up their gradients, and a tiny
        // total leaves them crawling.
        [FindingCodes.DominatingLoss] = [FindingCodes.ExplodingGradients, FindingCodes.VanishingGradients, FindingCodes.LossPlateau],
        // Inputs thousands of units large drive every sigmoid and ReLU to its flat end, where float gradients are exactly 0.
        [FindingCodes.UnnormalizedInputs] = [FindingCodes.MissingGradients, FindingCodes.LearningRateTooHigh, FindingCodes.SaturatedActivations,
            FindingCodes.SaturatedGates, FindingCodes.ExplodingGradients,
            FindingCodes.DeadRelu, FindingCodes.VanishingGradients, FindingCodes.NanLoss, FindingCodes.OscillatingLoss, FindingCodes.LossPlateau],
        // Targets hundreds of units large make the loss's gradient that much larger: SGD's steps overshoot as a rate too
        // high for the problem would, and the hidden layers take the blows (saturated sigmoids, dead ReLUs); under Adam the
        // output's weights crawl towards a scale they start far from.
        [FindingCodes.UnscaledTargets] = [FindingCodes.LearningRateTooHigh, FindingCodes.LearningRateTooLow, FindingCodes.SaturatedActivations,
            FindingCodes.ExplodingGradients, FindingCodes.DeadRelu, FindingCodes.NanLoss, FindingCodes.OscillatingLoss, FindingCodes.LossPlateau],
        [FindingCodes.PoorInitialization] = [FindingCodes.SaturatedActivations, FindingCodes.SaturatedGates, FindingCodes.ExplodingGradients, FindingCodes.DeadRelu,
            FindingCodes.VanishingGradients, FindingCodes.NanLoss, FindingCodes.LossPlateau],
        [FindingCodes.LearningRateTooHigh] = [FindingCodes.SaturatedActivations, FindingCodes.SaturatedGates, FindingCodes.ExplodingGradients, FindingCodes.DeadRelu,
            FindingCodes.NanLoss, FindingCodes.OscillatingLoss, FindingCodes.LossPlateau],
        [FindingCodes.LearningRateTooLow] = [FindingCodes.LossPlateau],
        [FindingCodes.SaturatedActivations] = [FindingCodes.VanishingGradients, FindingCodes.LossPlateau],
        // A forget gate shut erases the cell at every step: the gradient through time has no path back.
        [FindingCodes.SaturatedGates] = [FindingCodes.VanishingGradients, FindingCodes.LossPlateau],
        [FindingCodes.ExplodingGradients] = [FindingCodes.DeadRelu, FindingCodes.NanLoss, FindingCodes.OscillatingLoss, FindingCodes.LossPlateau],
        [FindingCodes.DeadRelu] = [FindingCodes.VanishingGradients, FindingCodes.LossPlateau],
        [FindingCodes.VanishingGradients] = [FindingCodes.LossPlateau],
        [FindingCodes.NanLoss] = [FindingCodes.LossPlateau],
        [FindingCodes.OscillatingLoss] = [FindingCodes.LossPlateau],
        [FindingCodes.LossPlateau] = [],
        // A model that fits its training set better than the validation set is its own cause: it learned (no stalled loss
        // follows from it), and nothing above produces it. After the optimization problems (a run that also has one is
        // primarily that), before too_few_epochs: with the validation loss rising for a whole strip, more epochs overfit more.
        [FindingCodes.Overfitting] = [],
        // A budget cut short is a cause of its own; it produces none of the symptoms above.
        [FindingCodes.TooFewEpochs] = [],
        // Classes missing from training cap validation accuracy; they leave the training run itself alone.
        [FindingCodes.UnseenValidationClasses] = [],
    };

    /// <summary>Position in <see cref="Order"/>; unknown codes last.</summary>
    public static int Rank(string code) => Order.IndexOf(code) is var i && i >= 0 ? i : Order.Count;

    /// <summary>Whether <paramref name="cause"/> can produce <paramref name="effect"/>, directly or through other codes.</summary>
    public static bool CanCause(string cause, string effect)
    {
        if (!Effects.TryGetValue(cause, out var direct)) return false;
        return direct.Contains(effect) || direct.Any(next => CanCause(next, effect));
    }

    private static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }
}
