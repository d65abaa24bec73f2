using System.Globalization;
using Nabla.Doctor;

namespace Nabla.Cli.Bench;

/// <summary>
/// The training doctor's cost with default settings on the clinic's Example 2 network (ReLU + He init):
/// epochs with and without the doctor, alternated so that machine noise hits both alike.
/// </summary>
internal static class DoctorOverhead
{
    public static void Run(int samples, int warmup, int timed)
    {
        var experiment = EpochTimer.SeedNetwork("relu", samples, 32);
        var withoutDoctor = new List<double>();
        var withDoctor = new List<double>();
        for (int round = 0; round < 3; round++)
        {
            withoutDoctor.Add(EpochTimer.Run(experiment, warmup, timed).MedianSeconds);
            withDoctor.Add(EpochTimer.Run(experiment, warmup, timed, new TrainingDoctor()).MedianSeconds);
        }
        double plain = withoutDoctor.Order().ElementAt(1), watched = withDoctor.Order().ElementAt(1);
        double overhead = (watched - plain) / plain;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"doctor overhead (seed Example 2, batch 32, {samples} samples, medians of 3 rounds): without {plain:0.0000} s/epoch, " +
            $"with {watched:0.0000} s/epoch, overhead {overhead:+0.0%;-0.0%} (budget 3%)"));
    }
}
