using System.ComponentModel.DataAnnotations;

namespace Florence2.Service.Configuration;

/// <summary>Access control (<c>Florence2:Security</c>).</summary>
public sealed class SecurityOptions
{
    public const string Section = "Florence2:Security";

    /// <summary>
    /// Accepted values of the <c>X-Api-Key</c> header for the <c>/v1</c> endpoints. Empty (default) = no key needed.
    /// Env: <c>Florence2__Security__ApiKeys__0</c>, <c>…__1</c>, ….
    /// </summary>
    public List<string> ApiKeys { get; set; } = [];

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Addresses of load balancers whose X-Forwarded-For/Proto headers are trusted. Empty (default) = none.</summary>
    public List<string> KnownProxies { get; set; } = [];
}

/// <summary>Token-bucket rate limit per API key (or client address when no key is sent).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Sustained requests per second per client; 0 (default) turns rate limiting off.</summary>
    [Range(0, 1_000_000, ErrorMessage = "Florence2:Security:RateLimit:PermitsPerSecond must be between {1} and {2}.")]
    public double PermitsPerSecond { get; set; }

    /// <summary>Requests a client may burst above the sustained rate. Default 20.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Florence2:Security:RateLimit:Burst must be between {1} and {2}.")]
    public int Burst { get; set; } = 20;
}
