namespace Nabla.Tests.Models;

public class RandomSeedTests
{
    private static double[] Draw(int seed, int count)
    {
        Nabla.Utils.SetRandomSeed(seed);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = Nabla.Utils.Random.NextDouble();
            Thread.Yield(); // let the other thread interleave its draws
        }
        return values;
    }

    [Fact]
    public async Task SeededRunsOnParallelThreadsDoNotShareTheGenerator()
    {
        // Two seeded "trainings" at once must each see their own sequence (as test classes running in
        // parallel do); a process-wide generator would interleave them.
        var expected = Draw(7, 2000);
        var runs = await Task.WhenAll(Task.Run(() => Draw(7, 2000)), Task.Run(() => Draw(7, 2000)));
        Assert.Equal(expected, runs[0]);
        Assert.Equal(expected, runs[1]);
    }

    [Fact]
    public void PreserveRandomStateRestoresTheSequence()
    {
        Nabla.Utils.SetRandomSeed(3);
        double first;
        using (Nabla.Utils.PreserveRandomState())
            first = Nabla.Utils.Random.NextDouble();
        Assert.Equal(first, Nabla.Utils.Random.NextDouble());
    }
}
