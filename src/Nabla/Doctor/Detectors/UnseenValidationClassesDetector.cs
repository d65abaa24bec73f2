using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Validation rows of classes the training rows never have (<see cref="ValidationClasses"/>). Blocking: no
/// amount of training teaches a class without examples. When the rows come in class order the cause is named: Keras's
/// validation_split takes the last rows before shuffling.</summary>
internal sealed class UnseenValidationClassesDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        // Whole-number regression targets (counts, ages) are not classes: only a classifier's labels are read so.
        if (!q.Model.IsClassifier || q.ValidationClasses is not { Unseen.Count: > 0 } v) yield break;
        string classes = string.Join(", ", v.Unseen);
        string why = v.InClassOrder
            ? "The rows come in class order and validation_split takes the last rows before any shuffling, so these classes went to validation only."
            : "Shuffle or stratify the split so that every class has training rows.";
        yield return Detection.Blocking(Make(FindingCodes.UnseenValidationClasses, Severity.Error,
            $"{v.UnseenRows} of the {v.ValidationRows} validation rows are of class(es) {classes}, which no " +
            (v.TrainingFromFirstEpoch ? "training batch of the first epoch had: " : "training row has: ") +
            $"the model cannot learn them, and its validation accuracy cannot exceed {1 - (double)v.UnseenRows / v.ValidationRows:P0}. {why}",
            [FixCodes.ShuffleBeforeSplit],
            ("unseen_classes", v.Unseen.ToArray()), ("unseen_validation_rows", v.UnseenRows), ("validation_rows", v.ValidationRows),
            ("rows_in_class_order", v.InClassOrder)).At(null, null));
    }
}
