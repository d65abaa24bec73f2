using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Nabla.Callbacks;

/// <summary>
/// Keras's progress bar: <c>1875/1875 [==============================] - 2s 1ms/step - loss: 0.0123 - accuracy: 0.9210</c>.
/// On a terminal the line is redrawn in place (at most every 50 ms, so printing never slows training);
/// when output is redirected, or with verbose 2, it prints one line per epoch.
/// </summary>
public sealed class ProgbarLogger : Callback
{
    private const int BarWidth = 30;
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(50);

    private readonly int epochs, steps, verbose;
    private readonly TextWriter output;
    private readonly bool interactive;
    private readonly Stopwatch clock = new();
    private readonly StringBuilder line = new();
    private TimeSpan lastDraw;

    public ProgbarLogger(int epochs, int stepsPerEpoch, int verbose = 1, TextWriter? output = null, bool? interactive = null)
    {
        this.epochs = epochs;
        steps = stepsPerEpoch;
        this.verbose = verbose;
        this.output = output ?? Console.Out;
        this.interactive = interactive ?? (output is null && !Console.IsOutputRedirected);
    }

    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (verbose > 0) output.WriteLine($"Epoch {epoch + 1}/{epochs}");
        clock.Restart();
        lastDraw = TimeSpan.Zero;
    }

    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (!interactive || verbose != 1 || clock.Elapsed - lastDraw < RefreshInterval) return;
        lastDraw = clock.Elapsed;
        output.Write('\r');
        output.Write(Format(batch + 1, logs, final: false));
        output.Flush();
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (interactive && verbose == 1) output.Write('\r');
        output.WriteLine(Format(steps, logs, final: true));
        output.Flush();
    }

    /// <summary>One progress line for <paramref name="done"/> of the epoch's steps.</summary>
    internal string Format(int done, IReadOnlyDictionary<string, double> logs, bool final)
    {
        line.Clear();
        var inv = CultureInfo.InvariantCulture;
        string total = steps.ToString(inv);
        line.Append(done.ToString(inv).PadLeft(total.Length)).Append('/').Append(total);
        if (verbose == 1)
        {
            int filled = steps == 0 ? BarWidth : (int)((long)BarWidth * done / steps);
            line.Append(" [");
            // Keras: "=" * (filled - 1), then ">" while unfinished, then dots for the rest.
            if (filled >= BarWidth) line.Append('=', BarWidth);
            else
            {
                if (filled > 0) line.Append('=', filled - 1).Append('>');
                line.Append('.', BarWidth - filled);
            }
            line.Append(']');
        }
        double seconds = clock.Elapsed.TotalSeconds;
        line.Append(" - ");
        if (final)
        {
            line.Append(Math.Round(seconds).ToString(inv)).Append("s ");
            line.Append(FormatPerStep(seconds / Math.Max(1, done)));
        }
        else
        {
            double eta = seconds / Math.Max(1, done) * (steps - done);
            line.Append("ETA: ").Append(Math.Round(eta).ToString(inv)).Append('s');
        }
        foreach (var (key, value) in logs)
            line.Append(" - ").Append(key).Append(": ").Append(FormatValue(value));
        return line.ToString();
    }

    private static string FormatPerStep(double secondsPerStep) =>
        secondsPerStep >= 1 ? $"{secondsPerStep:0}s/step"
        : secondsPerStep >= 1e-3 ? $"{secondsPerStep * 1e3:0}ms/step"
        : $"{secondsPerStep * 1e6:0}us/step";

    /// <summary>Keras prints 4 decimals, switching to scientific notation for tiny values.</summary>
    private static string FormatValue(double value) =>
        value != 0 && Math.Abs(value) < 1e-3
            ? value.ToString("0.0000e+00", CultureInfo.InvariantCulture)
            : value.ToString("0.0000", CultureInfo.InvariantCulture);
}
