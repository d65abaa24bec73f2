namespace Nabla.Data;

public static partial class Synthetic
{
    /// <summary>Rows of the generated weather series per year (hourly rows of a year compressed tenfold).</summary>
    public const int WeatherRowsPerYear = 2400;

    /// <summary>The 14 columns of <see cref="Weather"/>, in the Jena climate file's order.</summary>
    public static readonly IReadOnlyList<string> WeatherColumns =
        ["p (mbar)", "T (degC)", "Tpot (K)", "Tdew (degC)", "rh (%)", "VPmax (mbar)", "VPact (mbar)", "VPdef (mbar)",
         "sh (g/kg)", "H2OC (mmol/mol)", "rho (g/m**3)", "wv (m/s)", "max. wv (m/s)", "wd (deg)"];

    private const int TemperatureColumn = 1;

    /// <summary>
    /// Forecasting windows over a generated weather series shaped as the Jena climate file: <paramref name="rows"/>
    /// hourly rows of the 14 <see cref="WeatherColumns"/>, a temperature with a yearly cycle (<see cref="WeatherRowsPerYear"/>
    /// rows, amplitude 10 °C, starting in winter), a daily cycle (4 °C) and AR(1) weather noise; an AR(1) pressure
    /// around 989 mbar; a humidity that falls as the temperature rises; the vapour pressures, dew point, specific
    /// humidity, water concentration and air density computed from those by the Magnus formula and the gas law; an
    /// AR(1) wind speed, its gusts and a wandering direction. Each column is standardized by the mean of its first
    /// <paramref name="meanRows"/> rows and the standard deviation of its first <paramref name="stdRows"/> rows (the
    /// same count for both is ordinary standardization on a training stretch; a shorter stretch for the deviation
    /// scales the features wrongly). x is [samples, timesteps, 14]: windows starting at uniformly drawn rows, in
    /// time order, so that a validation split's last windows lie later than the training ones; y [samples] is the
    /// standardized temperature <paramref name="horizon"/> rows after each window's last row.
    /// </summary>
    public static (Tensor x, Tensor y) Weather(int samples, int timesteps, int horizon, int rows, int meanRows, int stdRows, int seed)
    {
        int columns = WeatherColumns.Count;
        if (timesteps < 1 || horizon < 1)
            throw new ArgumentException($"Synthetic weather needs timesteps and horizon of at least 1, found {timesteps} and {horizon}.");
        if ((long)timesteps * columns > int.MaxValue)
            throw new ArgumentException($"Synthetic weather's windows of {timesteps} rows x {columns} columns exceed 2^31 values.", nameof(timesteps));
        Check(samples, timesteps * columns);
        if (rows < timesteps + horizon)
            throw new ArgumentException($"Synthetic weather needs at least timesteps + horizon = {timesteps + horizon} rows, found {rows}.", nameof(rows));
        if (WeatherSeriesBytes(rows) > DataReadOptions.DefaultMaxBytes)
            throw new ArgumentException($"Synthetic weather's series of {rows} rows x {columns} columns needs {WeatherSeriesBytes(rows)} bytes, over the " +
                $"{DataReadOptions.DefaultMaxBytes}-byte data budget (DataReadOptions.DefaultMaxBytes).", nameof(rows));
        if (meanRows < 2 || meanRows > rows || stdRows < 2 || stdRows > rows)
            throw new ArgumentException($"Synthetic weather standardizes over 2..rows ({rows}) rows, found mean_rows {meanRows} and std_rows {stdRows}.");
        var rng = new RandomGenerator(seed);
        var series = WeatherSeries(rng, rows);
        Standardize(series, rows, columns, meanRows, stdRows);
        var starts = new int[samples];
        for (int i = 0; i < samples; i++) starts[i] = rng.NextInt(rows - timesteps - horizon + 1);
        Array.Sort(starts);
        var x = new Tensor(samples, timesteps, columns);
        var y = new Tensor(samples);
        int window = timesteps * columns;
        for (int i = 0; i < samples; i++)
        {
            series.AsSpan(starts[i] * columns, window).CopyTo(x.Data.AsSpan(i * window, window));
            y.Data[i] = series[(starts[i] + timesteps - 1 + horizon) * columns + TemperatureColumn];
        }
        return (x, y);
    }

    /// <summary>The bytes of the series the windows are cut from, [rows, 14] float32, checked against the data budget first.</summary>
    internal static long WeatherSeriesBytes(int rows) => (long)rows * WeatherColumns.Count * sizeof(float);

    /// <summary>The raw series, [rows, 14] row-major.</summary>
    private static float[] WeatherSeries(RandomGenerator rng, int rows)
    {
        int columns = WeatherColumns.Count;
        var series = new float[rows * columns];
        double temperatureNoise = 0, pressure = 989, humidityNoise = 0, wind = 0, direction = 200;
        for (int t = 0; t < rows; t++)
        {
            temperatureNoise = 0.95 * temperatureNoise + 0.6 * rng.NextNormal();
            double year = 2 * Math.PI * t / WeatherRowsPerYear, day = 2 * Math.PI * (t % 24) / 24;
            double temperature = 9.5 - 10 * Math.Cos(year) - 4 * Math.Cos(day - 0.5) + temperatureNoise;
            pressure = 989 + 0.98 * (pressure - 989) + 1.2 * rng.NextNormal();
            humidityNoise = 0.9 * humidityNoise + 3 * rng.NextNormal();
            double humidity = Math.Clamp(80 - 1.5 * (temperature - 9.5) + humidityNoise, 15, 100);
            double kelvin = temperature + 273.15;
            double saturation = 6.1078 * Math.Exp(17.27 * temperature / (temperature + 237.3));
            double vapour = humidity / 100 * saturation;
            double magnus = Math.Log(vapour / 6.1078);
            wind = 0.9 * wind + 0.5 * rng.NextNormal();
            double speed = Math.Max(0, 2 + wind);
            direction = (direction + 15 * rng.NextNormal() + 360) % 360;
            var row = series.AsSpan(t * columns, columns);
            row[0] = (float)pressure;
            row[1] = (float)temperature;
            row[2] = (float)(kelvin * Math.Pow(1000 / pressure, 0.286));
            row[3] = (float)(237.3 * magnus / (17.27 - magnus));
            row[4] = (float)humidity;
            row[5] = (float)saturation;
            row[6] = (float)vapour;
            row[7] = (float)(saturation - vapour);
            row[8] = (float)(622 * vapour / (pressure - 0.378 * vapour));
            row[9] = (float)(1000 * vapour / pressure);
            row[10] = (float)(pressure * 100 / (287.05 * kelvin) * 1000);
            row[11] = (float)speed;
            row[12] = (float)(speed * (1.5 + 0.3 * Math.Abs(rng.NextNormal())));
            row[13] = (float)direction;
        }
        return series;
    }

    private static void Standardize(float[] series, int rows, int columns, int meanRows, int stdRows)
    {
        for (int c = 0; c < columns; c++)
        {
            double MeanOfFirst(int n)
            {
                double sum = 0;
                for (int t = 0; t < n; t++) sum += series[t * columns + c];
                return sum / n;
            }
            double mean = MeanOfFirst(meanRows);
            // The deviation of the first stdRows rows about their own mean, as numpy's std over that slice.
            double stdMean = MeanOfFirst(stdRows), squares = 0;
            for (int t = 0; t < stdRows; t++) squares += Math.Pow(series[t * columns + c] - stdMean, 2);
            double std = Math.Sqrt(squares / stdRows);
            if (std == 0)
                throw new ArgumentException(
                    $"Synthetic weather: column '{WeatherColumns[c]}' is constant over its first {stdRows} rows, so they cannot " +
                    "standardize it; give std_rows more rows.", nameof(stdRows));
            for (int t = 0; t < rows; t++) series[t * columns + c] = (float)((series[t * columns + c] - mean) / std);
        }
    }
}
