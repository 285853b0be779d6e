namespace Florence2.Imaging;

/// <summary>
/// Reads an upload stream fully into memory, refusing it as soon as it passes the byte limit. Decoding from a bounded
/// buffer (rather than letting ImageSharp copy a non-seekable stream itself) keeps the memory per request predictable.
/// </summary>
internal static class BoundedStreamReader
{
    private const int ChunkSize = 81_920;

    public static async Task<ArraySegment<byte>> ReadAllAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream(InitialCapacity(stream, maxBytes));
        var chunk = new byte[ChunkSize];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            Append(buffer, chunk.AsSpan(0, read), maxBytes);
        }

        return new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static ArraySegment<byte> ReadAll(Stream stream, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream(InitialCapacity(stream, maxBytes));
        Span<byte> chunk = new byte[ChunkSize];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            Append(buffer, chunk[..read], maxBytes);
        }

        return new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void Append(MemoryStream buffer, ReadOnlySpan<byte> chunk, int maxBytes)
    {
        if (buffer.Length + chunk.Length > maxBytes)
        {
            throw SafeImageDecoder.TooManyBytes(maxBytes);
        }

        buffer.Write(chunk);
    }

    // A seekable stream tells its size up front: refuse early and allocate once. Otherwise start small and grow.
    private static int InitialCapacity(Stream stream, int maxBytes)
    {
        if (!stream.CanSeek)
        {
            return ChunkSize;
        }

        long remaining = stream.Length - stream.Position;
        if (remaining > maxBytes)
        {
            throw SafeImageDecoder.TooManyBytes(maxBytes);
        }

        return (int)Math.Max(remaining, 0);
    }
}
