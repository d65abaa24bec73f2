using Nabla.Configuration;
using System.Net.Sockets;
using System.Security.Cryptography;
using Nabla.Data;

namespace Nabla.Datasets;

/// <summary>
/// Downloads checksummed files into the cache. Nothing unverified is ever stored under the final
/// name: a file goes to a temporary name, its MD5 is checked, and only then is it renamed.
/// </summary>
internal static class DatasetDownloader
{
    /// <summary>Far above any file Nabla downloads (the largest, MNIST train images, is 9.9 MB): stops an endless response.</summary>
    private const long MaxDownloadBytes = 512L << 20;

    public readonly record struct RemoteFile(string Name, string Md5);

    /// <summary>Returns the local paths of <paramref name="files"/>, downloading those not already cached and verified.</summary>
    public static string[] EnsureFiles(string datasetName, string folderName, IReadOnlyList<RemoteFile> files,
        IReadOnlyList<Uri> canonicalMirrors, DatasetOptions options)
    {
        string folder = Path.Combine(options.ResolveCacheDirectory(), folderName);
        var mirrors = options.BaseUrls ?? canonicalMirrors;
        if (mirrors.Count == 0) throw new ArgumentException("DatasetOptions.BaseUrls is empty.", nameof(options));
        HttpClient? owned = options.HttpClient is null
            // The per-file deadline (DatasetOptions.Timeout) replaces HttpClient's own timeout.
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = options.ConnectTimeout }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan }
            : null;
        try
        {
            var paths = new string[files.Count];
            for (int i = 0; i < files.Count; i++)
            {
                string expected = (options.ExpectedMd5?.GetValueOrDefault(files[i].Name) ?? files[i].Md5).ToLowerInvariant();
                paths[i] = Path.Combine(folder, files[i].Name);
                if (IsCachedAndValid(paths[i], expected, options)) continue;
                Directory.CreateDirectory(folder);
                DownloadFromMirrors(datasetName, files[i].Name, paths[i], expected, mirrors, options.HttpClient ?? owned!, options.Timeout);
            }
            return paths;
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private static bool IsCachedAndValid(string path, string expectedMd5, DatasetOptions options)
    {
        if (!File.Exists(path)) return false;
        string actual;
        using (var stream = File.OpenRead(path)) actual = Convert.ToHexStringLower(MD5.HashData(stream));
        if (actual == expectedMd5) return true;
        options.ResolveNotices().WriteLine(
            $"Nabla: cached {path} has MD5 {actual}, expected {expectedMd5}; deleting it and downloading again.");
        File.Delete(path);
        return false;
    }

    private static void DownloadFromMirrors(string datasetName, string fileName, string target, string expectedMd5,
        IReadOnlyList<Uri> mirrors, HttpClient client, TimeSpan timeout)
    {
        var failures = new List<string>();
        bool allOffline = true;
        Exception? last = null;
        foreach (var mirror in mirrors)
        {
            var uri = new Uri(mirror.AbsoluteUri.EndsWith('/') ? mirror : new Uri(mirror.AbsoluteUri + "/"), fileName);
            try
            {
                DownloadOne(uri, target, expectedMd5, client, timeout);
                return;
            }
            catch (TransferFailure failure)
            {
                failures.Add($"{uri}: {failure.Message}");
                allOffline &= failure.IsOffline;
                last = failure.InnerException ?? failure;
            }
        }
        throw new DatasetDownloadException(
            $"Could not download {datasetName} file {fileName} from any mirror ({string.Join("; ", failures)}).", allOffline, last);
    }

    private static void DownloadOne(Uri uri, string target, string expectedMd5, HttpClient client, TimeSpan timeout)
    {
        string temp = AtomicFile.TempPathFor(target);
        using var deadline = new CancellationTokenSource(timeout);
        bool gotResponse = false;
        long received = 0;
        try
        {
            using var response = client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, deadline.Token).GetAwaiter().GetResult();
            gotResponse = true;
            if (!response.IsSuccessStatusCode)
                throw new TransferFailure($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}",
                    isOffline: IsProxyWithoutRoute(response.StatusCode));

            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            using (var body = response.Content.ReadAsStreamAsync(deadline.Token).GetAwaiter().GetResult())
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = body.ReadAsync(buffer, deadline.Token).AsTask().GetAwaiter().GetResult()) > 0)
                {
                    received += n;
                    if (received > MaxDownloadBytes)
                        throw new TransferFailure($"response larger than {MaxDownloadBytes} bytes", isOffline: false);
                    md5.AppendData(buffer, 0, n);
                    file.Write(buffer, 0, n);
                }
                file.Flush(flushToDisk: true);
            }

            string actual = Convert.ToHexStringLower(md5.GetHashAndReset());
            if (actual != expectedMd5)
                // Not a TransferFailure: a wrong file is not retried from another mirror, it is reported.
                throw new DatasetDownloadException(
                    $"{uri}: downloaded {received} bytes with MD5 {actual}, expected {expectedMd5}; the file was discarded.", isOffline: false);
            File.Move(temp, target, overwrite: true);
        }
        catch (OperationCanceledException e)
        {
            // Our deadline, the connect timeout or a caller's HttpClient.Timeout: offline only if nothing answered.
            throw new TransferFailure(gotResponse ? $"timed out after {timeout} having received {received} bytes" : $"no response within {timeout}",
                isOffline: !gotResponse, e);
        }
        catch (HttpRequestException e)
        {
            throw new TransferFailure(e.Message, isOffline: IsConnectionFailure(e), e);
        }
        catch (IOException e) when (e is not DatasetDownloadException && gotResponse)
        {
            throw new TransferFailure($"connection lost after {received} bytes ({e.Message})", isOffline: false, e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// A proxy's way of saying it could not reach the mirror, or may not: 407 (proxy authentication required),
    /// 502 (bad gateway), 504 (gateway timeout). Behind such a proxy the machine is as offline as without a
    /// network. A mirror's own answers (404, 403, 500...) stay errors.
    /// </summary>
    private static bool IsProxyWithoutRoute(System.Net.HttpStatusCode status) =>
        status is System.Net.HttpStatusCode.ProxyAuthenticationRequired or System.Net.HttpStatusCode.BadGateway
            or System.Net.HttpStatusCode.GatewayTimeout;

    /// <summary>No answer at all (as opposed to a bad answer): what "offline" means for the MNIST fallback.</summary>
    private static bool IsConnectionFailure(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError
        || e.InnerException is SocketException;

    private sealed class TransferFailure(string message, bool isOffline, Exception? inner = null) : Exception(message, inner)
    {
        public bool IsOffline { get; } = isOffline;
    }
}
