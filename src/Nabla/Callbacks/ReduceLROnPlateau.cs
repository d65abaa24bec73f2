namespace Nabla.Callbacks;

/// <summary>
/// Keras's <c>ReduceLROnPlateau</c>: multiplies the learning rate by <c>factor</c> when <c>monitor</c> has
/// not improved for <c>patience</c> epochs. Keras defaults: monitor "val_loss", factor 0.1, patience 10,
/// mode "auto", minDelta 1e-4, cooldown 0, minLr 0.
/// </summary>
public sealed class ReduceLROnPlateau : Callback
{
    private readonly MonitorMode mode;
    private double best;
    private int wait, cooldownCounter;

    /// <summary>Keras's min_delta: a change of the monitored value smaller than this is no improvement.</summary>
    public const double DefaultMinDelta = 1e-4;

    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, string mode = "auto",
        double minDelta = DefaultMinDelta, int cooldown = 0, double minLr = 0)
    {
        if (!(factor < 1 && factor >= 0))
            throw new ArgumentException($"ReduceLROnPlateau 'factor' must be in [0, 1), found {factor}.", nameof(factor));
        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        Cooldown = cooldown;
        MinLr = minLr;
        this.mode = new MonitorMode(monitor, mode, minDelta);
    }

    public string Monitor { get; }

    public double Factor { get; }

    public int Patience { get; }

    public int Cooldown { get; }

    public double MinLr { get; }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        mode.Resolve(Model.CurrentFit);
        best = mode.Worst;
        wait = 0;
        cooldownCounter = 0;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (!TryGetMonitored(logs, Monitor, epoch, out double current)) return;
        bool inCooldown = cooldownCounter > 0;
        if (inCooldown)
        {
            cooldownCounter--;
            wait = 0;
        }
        if (mode.IsImprovement(current, best))
        {
            best = current;
            wait = 0;
        }
        else if (!inCooldown && ++wait >= Patience)
        {
            var optimizer = Model.Optimizer!;
            if (optimizer.LearningRate > MinLr)
            {
                optimizer.LearningRate = Math.Max(optimizer.LearningRate * Factor, MinLr);
                cooldownCounter = Cooldown;
                wait = 0;
            }
        }
    }
}
