using System.Runtime.CompilerServices;

namespace Nabla.Serialization.Hdf5;

/// <summary>
/// A read-only view of the stream PureHDF parses that stops a runaway recursion before it overflows the stack. PureHDF
/// follows a soft link by resolving its target path, and a damaged file whose soft link leads back to itself made it
/// recurse until the process died: a stack overflow cannot be caught in .NET. Each level of that recursion reads the
/// link's object header again, so every read first checks that the thread has stack to spare and throws
/// <see cref="InsufficientExecutionStackException"/> otherwise, which <see cref="Hdf5Reader"/> turns into a
/// <see cref="Nabla.Data.DataFormatException"/> naming the file.
/// </summary>
internal sealed class StackGuardedStream(Stream inner) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        EnsureStack();
        return inner.Read(buffer, offset, count);
    }

    public override int Read(Span<byte> buffer)
    {
        EnsureStack();
        return inner.Read(buffer);
    }

    public override int ReadByte()
    {
        EnsureStack();
        return inner.ReadByte();
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException("An HDF5 file is opened read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("An HDF5 file is opened read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    private static void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new InsufficientExecutionStackException(
                "the file's links nest deeper than the stack allows (a soft link that leads back to itself?)");
    }
}
