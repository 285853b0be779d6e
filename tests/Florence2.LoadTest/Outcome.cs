namespace Florence2.LoadTest;

/// <summary>What one request got: its status (0 when no response came back), latency and whether Retry-After was set.</summary>
public readonly record struct Outcome(int Status, double Milliseconds, bool HasRetryAfter, string? Error = null)
{
    public static async Task<Outcome> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.SendAsync(request).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
            return new((int)response.StatusCode, Elapsed(start), response.Headers.RetryAfter is not null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new(0, Elapsed(start), false, ex.GetType().Name + ": " + ex.Message);
        }
        finally
        {
            request.Dispose();
        }
    }

    private static double Elapsed(long start) => System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}
