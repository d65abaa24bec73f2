using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nabla.Tests.Datasets;

/// <summary>How the test server answers one path.</summary>
public enum Reply
{
    /// <summary>200 with the whole body.</summary>
    Ok,
    /// <summary>200 with a Content-Length larger than the body, then a clean close.</summary>
    Truncated,
    /// <summary>200, half the body, then the connection is reset.</summary>
    DropMidway,
    /// <summary>404 Not Found.</summary>
    NotFound,
    /// <summary>502 Bad Gateway, what a proxy answers when it cannot reach the server.</summary>
    BadGateway,
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 with an ephemeral port, so the real download code can be
/// tested against good, corrupted, truncated and dropped responses without any other address.
/// One request per connection; it stops when disposed.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Dictionary<string, (Reply Reply, byte[] Body)> routes = new();
    private readonly Task loop;
    private int requests;

    public LoopbackHttpServer()
    {
        listener.Start();
        loop = Task.Run(AcceptLoop);
    }

    public Uri BaseUrl => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/data/");

    public int RequestCount => Volatile.Read(ref requests);

    public void Serve(string fileName, byte[] body, Reply reply = Reply.Ok)
    {
        lock (routes) routes["/data/" + fileName] = (reply, body);
    }

    /// <summary>An address on 127.0.0.1 where nothing listens: connecting is refused, as when offline.</summary>
    public static Uri ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/data/");
    }

    private async Task AcceptLoop()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await listener.AcceptSocketAsync(stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Handle(socket));
        }
    }

    private async Task Handle(Socket socket)
    {
        try
        {
            string path = await ReadRequestPath(socket);
            Interlocked.Increment(ref requests);
            (Reply Reply, byte[] Body) route;
            lock (routes) route = routes.TryGetValue(path, out var found) ? found : (Reply.NotFound, Array.Empty<byte>());
            var body = route.Body;
            switch (route.Reply)
            {
                case Reply.Ok:
                    await Send(socket, Head("200 OK", body.Length), body);
                    socket.Shutdown(SocketShutdown.Send);
                    break;
                case Reply.Truncated:
                    await Send(socket, Head("200 OK", body.Length + 1000), body);
                    socket.Shutdown(SocketShutdown.Send);
                    break;
                case Reply.DropMidway:
                    await Send(socket, Head("200 OK", body.Length), body[..(body.Length / 2)]);
                    socket.LingerState = new LingerOption(true, 0); // close with RST, like a dropped connection
                    break;
                case Reply.NotFound:
                    await Send(socket, Head("404 Not Found", 0), []);
                    socket.Shutdown(SocketShutdown.Send);
                    break;
                case Reply.BadGateway:
                    await Send(socket, Head("502 Bad Gateway", 0), []);
                    socket.Shutdown(SocketShutdown.Send);
                    break;
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
        }
        catch (SocketException)
        {
            // The client gave up first; nothing to answer.
        }
        finally
        {
            socket.Close();
        }
    }

    private static byte[] Head(string status, long contentLength) =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: {contentLength}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n");

    private static async Task Send(Socket socket, byte[] head, byte[] body)
    {
        await socket.SendAsync(head);
        if (body.Length > 0) await socket.SendAsync(body);
    }

    private static async Task<string> ReadRequestPath(Socket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (received.Count < 65536)
        {
            int n = await socket.ReceiveAsync(buffer);
            if (n == 0) break;
            received.AddRange(buffer.AsSpan(0, n).ToArray());
            if (Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n\r\n")) break;
        }
        string requestLine = Encoding.ASCII.GetString(received.ToArray()).Split("\r\n")[0];
        string[] parts = requestLine.Split(' ');
        return parts.Length >= 2 ? parts[1] : "";
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        try { loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        stop.Dispose();
    }
}
