using Nabla.Configuration;

namespace Nabla.Callbacks;

/// <summary>
/// Keras's <c>EarlyStopping</c>: stops training when <c>monitor</c> has not improved by more than
/// <c>minDelta</c> for <c>patience</c> epochs. Defaults as Keras: monitor "val_loss", minDelta 0,
/// patience 0, verbose 0, mode "auto", restoreBestWeights false. As in Keras 3 (keras/src/callbacks/early_stopping.py,
/// on_train_end), the best weights are restored when training ends, whether this callback stopped it or the epochs ran
/// out; with verbose on it says when it stopped, then that it restores.
/// </summary>
public sealed class EarlyStopping : Callback
{
    private readonly MonitorMode mode;
    private readonly string modeName;
    private IReadOnlyList<Tensor>? bestWeights;
    private int wait;

    private readonly TextWriter? output;

    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, int verbose = 0, string mode = "auto",
        double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0, TextWriter? output = null)
    {
        Verbose = verbose;
        this.output = output;
        if (patience < 0) throw new ArgumentException($"EarlyStopping 'patience' must be ≥ 0, found {patience}.", nameof(patience));
        Monitor = monitor;
        this.mode = new MonitorMode(monitor, mode, minDelta);
        modeName = mode;
        Patience = patience;
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
    }

    public string Monitor { get; }

    public int Verbose { get; }

    public int Patience { get; }

    public double? Baseline { get; }

    public bool RestoreBestWeights { get; }

    public int StartFromEpoch { get; }

    public double Best { get; private set; }

    public int BestEpoch { get; private set; }

    /// <summary>The epoch at which training was stopped (0-based), or null.</summary>
    public int? StoppedEpoch { get; private set; }

    /// <summary>Whether the model now holds the weights of <see cref="BestEpoch"/>, restored when training ended.</summary>
    public bool RestoredBestWeights { get; private set; }

    /// <summary>Whether this callback keeps best weights that it puts back when training ends (or has put back): true from the
    /// first monitored epoch with <see cref="RestoreBestWeights"/>. Another callback's <c>OnTrainEnd</c> may run before this
    /// one's, and can read here which epoch's weights the model will end with.</summary>
    public bool HoldsBestWeights => RestoreBestWeights && bestWeights is not null;

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        mode.Resolve(Model.CurrentFit);
        wait = 0;
        Best = mode.Worst;
        BestEpoch = 0;
        StoppedEpoch = null;
        RestoredBestWeights = false;
        bestWeights = null;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (epoch < StartFromEpoch) return;
        if (!TryGetMonitored(logs, Monitor, epoch, out double current)) return;
        if (RestoreBestWeights && bestWeights is null) bestWeights = Model.GetWeights();
        wait++;
        if (mode.IsImprovement(current, Best))
        {
            Best = current;
            BestEpoch = epoch;
            if (RestoreBestWeights) bestWeights = Model.GetWeights();
            if (Baseline is not double b || mode.IsImprovement(current, b)) wait = 0;
            return;
        }
        if (wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            Model.StopTraining = true;
        }
    }

    /// <summary>The constructor's arguments under Keras's argument names (monitor, min_delta, patience, verbose, mode,
    /// baseline, restore_best_weights, start_from_epoch). Keras callbacks have no get_config; these are the names a Keras
    /// user writes, so a file can say what a Keras program does.</summary>
    public Config GetConfig() => new()
    {
        ["monitor"] = Monitor, ["min_delta"] = mode.MinDelta, ["patience"] = (long)Patience, ["verbose"] = (long)Verbose,
        ["mode"] = modeName, ["baseline"] = Baseline, ["restore_best_weights"] = RestoreBestWeights, ["start_from_epoch"] = (long)StartFromEpoch,
    };

    private static readonly string[] ConfigKeys =
        ["monitor", "min_delta", "patience", "verbose", "mode", "baseline", "restore_best_weights", "start_from_epoch"];

    /// <summary>Builds one from Keras's argument names (<see cref="GetConfig"/>); a missing key takes Keras's default and an
    /// unknown one is refused by name.</summary>
    public static EarlyStopping FromConfig(Config config)
    {
        foreach (var key in config.Keys)
            if (!ConfigKeys.Contains(key))
                throw new ArgumentException($"EarlyStopping has no argument '{key}'. Valid: {string.Join(", ", ConfigKeys)}.");
        return new EarlyStopping(
            monitor: config.GetString("monitor", "val_loss")!, minDelta: config.GetDouble("min_delta", 0), patience: config.GetInt("patience", 0),
            verbose: config.GetInt("verbose", 0), mode: config.GetString("mode", "auto")!,
            baseline: config.TryGet("baseline", out var b) && b is not null ? config.GetDouble("baseline") : null,
            restoreBestWeights: config.GetBool("restore_best_weights", false), startFromEpoch: config.GetInt("start_from_epoch", 0));
    }

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (StoppedEpoch is int stopped && stopped > 0) Print($"Epoch {stopped + 1}: early stopping");
        if (RestoreBestWeights && bestWeights is not null)
        {
            Print($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
            Model.SetWeights(bestWeights);
            RestoredBestWeights = true;
        }
    }

    private void Print(string message)
    {
        if (Verbose > 0) (output ?? Console.Out).WriteLine(message);
    }
}
