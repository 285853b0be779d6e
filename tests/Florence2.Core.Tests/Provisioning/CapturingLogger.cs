using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Florence2.Tests.Provisioning;

/// <summary>Keeps every log line (level, event id, rendered message) so tests can assert on what an operator would see.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => _lines.ToArray();

    public IReadOnlyList<LogLine> WithEvent(int eventId) => _lines.Where(l => l.EventId == eventId).ToList();

    public string AllText => string.Join("\n", _lines.Select(l => l.Message));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue(new LogLine(logLevel, eventId.Id, formatter(state, exception)));
}

internal sealed record LogLine(LogLevel Level, int EventId, string Message);

/// <summary>The provisioner's event ids (see ProvisioningLog), named for the assertions.</summary>
internal static class ProvisioningEvents
{
    public const int CacheComplete = 101;
    public const int Progress = 104;
    public const int ConnectionBroke = 107;
    public const int ResumeRefused = 108;
    public const int VerificationFailed = 109;
    public const int WaitingForLock = 110;
    public const int CachedFileUnusable = 112;
    public const int Adopted = 113;
}
