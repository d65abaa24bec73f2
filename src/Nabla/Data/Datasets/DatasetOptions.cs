namespace Nabla.Datasets;

/// <summary>Where and how the full data sets are downloaded. Every property has a working default.</summary>
public sealed record DatasetOptions
{
    /// <summary>Cache folder; null uses the NABLA_DATA environment variable, else ~/.nabla/datasets.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Mirrors tried in order, each a folder URL holding the four IDX .gz files; null uses the canonical ones.</summary>
    public IReadOnlyList<Uri>? BaseUrls { get; init; }

    /// <summary>The client to download with (not disposed by Nabla); null creates one.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Time allowed for one file, connection and body together.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Time allowed to open a connection (when Nabla creates the client). Short, so that a network
    /// that silently drops packets counts as offline quickly instead of after <see cref="Timeout"/>.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Replaces the published MD5 of a file (by file name) — for a private mirror or a test
    /// fixture. Files are still verified; only the expected value changes.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ExpectedMd5 { get; init; }

    /// <summary>Where one-line notices go (cache repair, offline fallback); null writes to standard error.</summary>
    public TextWriter? Notices { get; init; }

    /// <summary>MNIST only: when no mirror can be reached, return the embedded sample instead of throwing.</summary>
    public bool FallbackToSample { get; init; } = true;

    internal static DatasetOptions Default { get; } = new();

    internal string ResolveCacheDirectory()
    {
        if (CacheDirectory is { Length: > 0 } explicitFolder) return explicitFolder;
        if (Environment.GetEnvironmentVariable("NABLA_DATA") is { Length: > 0 } fromEnvironment) return fromEnvironment;
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nabla", "datasets");
    }

    internal TextWriter ResolveNotices() => Notices ?? Console.Error;
}

/// <summary>A data set could not be downloaded. <see cref="IsOffline"/> tells a connection failure from a bad answer.</summary>
public sealed class DatasetDownloadException : IOException
{
    /// <summary>True when no mirror could be reached at all (no network, DNS failure, connection refused, connect timeout).</summary>
    public bool IsOffline { get; }

    public DatasetDownloadException(string message, bool isOffline, Exception? inner = null) : base(message, inner)
    {
        IsOffline = isOffline;
    }
}
