using Florence2.Service.Problems;

namespace Florence2.Service.Reading;

/// <summary>Reads a stream into memory, refusing it with 413 as soon as it passes the limit.</summary>
internal static class BoundedBody
{
    public static async Task<byte[]> ReadAsync(Stream stream, long maxBytes, string what, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw TooLarge(what, maxBytes);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static ApiProblemException TooLarge(string what, long maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The {what} is larger than the limit of {maxBytes} bytes.",
            what == "request body" ? null : "image");
}
