using Nabla.Data;

namespace Nabla.Tests.Data;

public class SyntheticWeatherTests
{
    [Fact]
    public void Windows_follow_the_series_and_the_target_is_the_temperature_horizon_rows_after_the_window()
    {
        const int timesteps = 5, horizon = 3;
        var (x, y) = Synthetic.Weather(samples: 600, timesteps, horizon, rows: 60, meanRows: 60, stdRows: 60, seed: 4);
        Assert.Equal([600, timesteps, 14], x.Shape);
        Assert.Equal([600], y.Shape);
        // 600 draws over 53 start rows cover every one: a row's standardized temperature identifies the window starting there.
        var startingAt = new Dictionary<float, int>();
        for (int i = 0; i < 600; i++) startingAt.TryAdd(x[i, 0, 1], i);
        Assert.Equal(60 - timesteps - horizon + 1, startingAt.Count);
        int checkedTargets = 0, checkedRows = 0;
        for (int i = 0; i < 600; i++)
        {
            // A window's second row is the first row of the window starting one row later, in all 14 columns.
            if (startingAt.TryGetValue(x[i, 1, 1], out int next))
            {
                for (int c = 0; c < 14; c++) Assert.Equal(x[next, 0, c], x[i, 1, c]);
                checkedRows++;
            }
            if (startingAt.TryGetValue(y.Data[i], out int later))
            {
                Assert.Equal(y.Data[i], x[later, 0, 1]);
                checkedTargets++;
            }
        }
        Assert.True(checkedTargets > 300, $"targets matched to a later window's first row: {checkedTargets}");
        Assert.True(checkedRows > 500, $"second rows matched to the next window's first row: {checkedRows}");
    }

    [Fact]
    public void Windows_are_in_time_order_and_standardized_over_the_given_stretches()
    {
        var (x, _) = Synthetic.Weather(samples: 4000, timesteps: 10, horizon: 24, rows: 7200, meanRows: 7200, stdRows: 7200, seed: 9);
        // The yearly cycle (2,400 rows, starting in winter) shows as the first window's temperature well below the mean.
        Assert.True(x[0, 0, 1] < -0.8f, $"winter start: {x[0, 0, 1]}");
        for (int c = 0; c < 14; c++)
        {
            var values = Enumerable.Range(0, 4000).Select(i => (double)x[i, 0, c]).ToArray();
            double mean = values.Average(), std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
            Assert.InRange(mean, -0.15, 0.15);
            Assert.InRange(std, 0.85, 1.15);
        }
        // A deviation taken over a stretch ten times shorter than the mean's leaves the features several times too large.
        var (wrong, _) = Synthetic.Weather(samples: 4000, timesteps: 10, horizon: 24, rows: 7200, meanRows: 900, stdRows: 90, seed: 9);
        double spread = Enumerable.Range(0, 14).Average(c =>
        {
            var v = Enumerable.Range(0, 4000).Select(i => (double)wrong[i, 0, c]).ToArray();
            double m = v.Average();
            return Math.Sqrt(v.Average(a => (a - m) * (a - m)));
        });
        Assert.InRange(spread, 2, 8);
    }

    [Fact]
    public void Weather_refuses_a_series_shorter_than_a_window_and_its_horizon()
    {
        var error = Assert.Throws<ArgumentException>(() => Synthetic.Weather(10, 20, 24, 40, 40, 40, 1));
        Assert.Contains("at least timesteps + horizon = 44 rows, found 40", error.Message);
        Assert.Throws<ArgumentException>(() => Synthetic.Weather(10, 20, 24, 100, 101, 50, 1));
        // A series past the data budget is refused before it is allocated (2e9 rows x 14 columns overflowed an int).
        var huge = Assert.Throws<ArgumentException>(() => Synthetic.Weather(10, 20, 24, 2_000_000_000, 100, 100, 1));
        Assert.Equal("rows", huge.ParamName);
        Assert.Equal("timesteps", Assert.Throws<ArgumentException>(() => Synthetic.Weather(10, 200_000_000, 24, 100, 100, 100, 1)).ParamName);
        // A winter start saturates the humidity at 100%: two rows cannot give it a deviation, and dividing by 0 is refused.
        var constant = Assert.Throws<ArgumentException>(() => Synthetic.Weather(10, 1, 1, rows: 100, meanRows: 100, stdRows: 2, seed: 1));
        Assert.Contains("column 'rh (%)' is constant over its first 2 rows", constant.Message);
    }
}
