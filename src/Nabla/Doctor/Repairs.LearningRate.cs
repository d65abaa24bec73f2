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
        if (config.TryGet("learning_rate", out var given) && given is Config schedule) return StepSchedule(e, spec, schedule, down, repeat);
        double lr = RateOf(config, trained);
        double fallback = DefaultLearningRate(spec);
        bool far = !down && lr <= fallback / FarFromDefault;
        double next = far && repeat == 0 ? fallback : lr * Math.Pow(down ? 0.1 : 10, far ? repeat : repeat + 1);
        config["learning_rate"] = next;
        string name = spec.GetString("class_name");
        return (e with { Optimizer = spec }, $"learning rate {lr:G3} -> {next:G3}" + (far && repeat == 0 ? $" ({name}'s default)" : ""));
    }

    /// <summary>The keys of a Keras schedule's config that hold rates (the others are steps, or factors relative to them).</summary>
    private static readonly string[] ScheduleRateKeys = ["initial_learning_rate", "warmup_target", "values"];

    /// <summary>One decade of the search on a rate schedule: every rate it gives moves by the same factor, so its absolute
    /// rates (the initial rate, a warmup target, piecewise values) are scaled and its shape (steps, decay rates, alpha)
    /// is kept. The default-first jump does not apply: a schedule's rate is a curve, not one number to replace.</summary>
    private static (Experiment, string)? StepSchedule(Experiment e, Config spec, Config schedule, bool down, int repeat)
    {
        double factor = Math.Pow(down ? 0.1 : 10, repeat + 1);
        return ScaleSchedule(schedule, factor) is { } change ? (e with { Optimizer = spec }, change) : null;
    }

    /// <summary>Every rate a schedule gives times <paramref name="factor"/>, in place; the change in words, or null when
    /// the schedule has no absolute rate to scale.</summary>
    private static string? ScaleSchedule(Config schedule, double factor)
    {
        var rates = schedule.GetConfig("config");
        if (rates is null) return null;
        var scaled = new List<string>();
        foreach (string key in ScheduleRateKeys)
        {
            if (!rates.TryGet(key, out var value)) continue;
            rates[key] = value is List<object?> list
                ? list.Select(v => (object?)(RateIn(key, v) * factor)).ToList()
                : rates.GetDouble(key) * factor;
            scaled.Add(key);
        }
        return scaled.Count == 0 ? null : $"{schedule.GetString("class_name", "schedule")} rates ({string.Join(", ", scaled)}) x{factor:G3}";
    }

    /// <summary>The experiment's learning rate, or every rate of its schedule, times <paramref name="factor"/>; the changed
    /// experiment and the change in words, or null when a schedule has no absolute rate.</summary>
    private static (Experiment, string)? ScaleLearningRate(Experiment e, double factor, Model trained)
    {
        var spec = OptimizerSpec(e);
        var config = spec.GetConfig("config")!;
        if (config.TryGet("learning_rate", out var given) && given is Config schedule)
            return ScaleSchedule(schedule, factor) is { } change ? (e with { Optimizer = spec }, change) : null;
        double lr = RateOf(config, trained);
        config["learning_rate"] = lr * factor;
        return (e with { Optimizer = spec }, $"learning rate {lr:G3} -> {lr * factor:G3}");
    }

    /// <summary>The rate an optimizer config gives, or, when it gives none, the one the trained model ran with (its default).</summary>
    private static double RateOf(Config config, Model trained) =>
        config.TryGet("learning_rate", out _) ? config.GetDouble("learning_rate") : trained.Optimizer!.LearningRate;

    private static double RateIn(string key, object? value) => value is double or long or int or float
        ? Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)
        : throw new ArgumentException($"Config key '{key}' must be a list of numbers, found {Config.Describe(value)} in it.");

    /// <summary>The learning rate the optimizer of <paramref name="spec"/> has when none is given (Keras's defaults).</summary>
    private static double DefaultLearningRate(Config spec) =>
        Optimizers.Optimizer.Registry.Deserialize(Optimizer(spec.GetString("class_name"), new Config())).LearningRate;
}
