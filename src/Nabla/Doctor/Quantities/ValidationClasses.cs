namespace Nabla.Doctor;

/// <summary>
/// Which classes a classifier's validation rows hold that its training rows never do, and whether the rows come in class
/// order. Keras's <c>validation_split</c> takes the last rows before any shuffling, so data sorted by class leaves the last
/// classes out of training: the model can never predict them, and validation accuracy says nothing about what it learned.
/// Read from the targets of a single output: integer labels ([N] or [N, 1]) or one-hot rows.
/// </summary>
internal sealed record ValidationClasses(IReadOnlyList<int> Unseen, int UnseenRows, int ValidationRows, bool InClassOrder)
{
    /// <summary>The training classes were counted from the first epoch's batches (a dataset's Fit), not from every
    /// training row.</summary>
    public bool TrainingFromFirstEpoch { get; init; }

    /// <summary>The share of validation rows in their most common class: the accuracy of always predicting it.</summary>
    public double MajorityShare { get; init; } = 1;

    /// <summary>Null unless there is one output with class targets and validation targets of the same kind.</summary>
    public static ValidationClasses? Of(FitInfo? fit)
    {
        if (fit is not { Targets: [Tensor y], ValidationTargets: [Tensor validation] }) return null;
        var train = ClassesOf(y, fit.TrainSamples ?? y.Shape[0]);
        var held = ClassesOf(validation, validation.Shape[0]);
        if (train is null || held is null) return null;
        var seen = train.ToHashSet();
        var unseen = held.Where(c => !seen.Contains(c)).Distinct().Order().ToList();
        // Class order explains the gap only when the validation rows are the fit's own last rows.
        bool inOrder = fit.ValidationSplit > 0 && InOrder(train.Concat(held).ToArray());
        return new ValidationClasses(unseen, held.Count(c => !seen.Contains(c)), held.Length, inOrder)
        {
            MajorityShare = ClassBalance.OfLabels(held)?.MajorityShare ?? 1,
        };
    }

    /// <summary>For a dataset's Fit, whose targets are not known up front: the validation dataset's classes (its batches
    /// read once more, within the validation steps) against the classes of the first epoch's training batches. Null
    /// unless both are class labels of one output.</summary>
    public static ValidationClasses? OfDataset(Data.Dataset validation, int? steps, IReadOnlySet<int> trainingClasses)
    {
        int count = Math.Min(steps ?? int.MaxValue, validation.BatchCount ?? int.MaxValue);
        if (count == int.MaxValue) return null;
        var held = new List<int>();
        for (int i = 0; i < count; i++)
        {
            if (validation.ReadBatch(i).Targets is not [Tensor y] || y.Rank == 0 || ClassesOf(y, y.Shape[0]) is not { } classes) return null;
            held.AddRange(classes);
        }
        var unseen = held.Where(c => !trainingClasses.Contains(c)).ToList();
        return new ValidationClasses(unseen.Distinct().Order().ToList(), unseen.Count, held.Count, InClassOrder: false)
        {
            MajorityShare = ClassBalance.OfLabels([.. held])?.MajorityShare ?? 1,
            TrainingFromFirstEpoch = true,
        };
    }

    /// <summary>Each of the first <paramref name="rows"/> rows' class: its integer label, or the column of its one-hot 1;
    /// null when the targets are not class labels.</summary>
    internal static int[]? ClassesOf(Tensor y, int rows)
    {
        int columns = y.Shape[0] == 0 ? 0 : y.Size / y.Shape[0];
        if (y.Rank > 2 || rows == 0 || columns == 0) return null;
        var data = y.Data.AsSpan(0, rows * columns);
        if (!ModelQuantities.AreClassLabels(data)) return null;
        var classes = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = data.Slice(r * columns, columns);
            if (columns == 1) { classes[r] = (int)row[0]; continue; }
            int hot = row.IndexOf(1f);
            if (hot < 0 || row.Count(1f) != 1 || row.Count(0f) != columns - 1) return null; // not one-hot
            classes[r] = hot;
        }
        return classes;
    }

    /// <summary>Labels that never decrease, or never increase, over the rows, with at least two classes.</summary>
    private static bool InOrder(int[] classes)
    {
        bool up = true, down = true;
        for (int i = 1; i < classes.Length; i++)
        {
            up &= classes[i] >= classes[i - 1];
            down &= classes[i] <= classes[i - 1];
        }
        return (up || down) && classes.Distinct().Count() > 1;
    }
}
