namespace Nabla.Doctor;

/// <summary>
/// How a classifier's training rows spread over their classes: how many classes they hold, and the share of the most
/// common one, which is what always predicting that class scores. Read from the targets of a single output, as
/// <see cref="ValidationClasses"/> reads them.
/// </summary>
internal sealed record ClassBalance(int Classes, double MajorityShare)
{
    /// <summary>Null unless there is one output whose training targets are class labels.</summary>
    public static ClassBalance? Of(FitInfo? fit)
    {
        if (fit is not { Targets: [Tensor y] }) return null;
        return ValidationClasses.ClassesOf(y, fit.TrainSamples ?? y.Shape[0]) is { } classes ? OfLabels(classes) : null;
    }

    /// <summary>The balance of rows given by their class indices; null without rows.</summary>
    public static ClassBalance? OfLabels(int[] classes)
    {
        if (classes.Length == 0) return null;
        var counts = classes.GroupBy(c => c).Select(g => g.Count()).ToList();
        return new ClassBalance(counts.Count, counts.Max() / (double)classes.Length);
    }

    /// <summary>
    /// AUTOTRAINER's accuracy gate Theta assumes balanced classes, where always predicting one class scores 1/K. When the
    /// most common class holds more, the gate lies the same share of the way from that share to 1 as Theta lies from 1/K:
    /// 0.7 for two balanced classes stays 0.7, and becomes about 0.80 when two thirds of the rows are one class (a model at
    /// 0.71 there has learned little beyond the majority). Never below Theta.
    /// </summary>
    public static double Gate(double theta, int classes, double majorityShare)
    {
        if (classes < 2) return theta;
        double chance = 1.0 / classes;
        if (majorityShare <= chance || theta <= chance) return theta;
        return Math.Max(theta, majorityShare + (theta - chance) * (1 - majorityShare) / (1 - chance));
    }
}
