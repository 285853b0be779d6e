using System.Net;
using System.Threading.RateLimiting;
using Florence2.Service.Problems;
using Florence2.Service.Configuration;
using Microsoft.AspNetCore.HttpOverrides;

namespace Florence2.Service.Security;

/// <summary>Request size limits, forwarded headers from trusted proxies, and per-client rate limiting.</summary>
public static class SecurityRegistration
{
    public const string RateLimitPolicy = "per-client";

    public static WebApplicationBuilder AddFlorence2Security(this WebApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();
        var security = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.AddServerHeader = false;
        });

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (string proxy in security.KnownProxies)
            {
                if (IPAddress.TryParse(proxy, out var address)) options.KnownProxies.Add(address);
                else if (System.Net.IPNetwork.TryParse(proxy, out var network)) options.KnownIPNetworks.Add(network);
                else throw new InvalidOperationException($"Florence2:Security:KnownProxies entry '{proxy}' is not an IP address or CIDR network.");
            }
        });

        builder.Services.AddRateLimiter(options =>
        {
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromSeconds(1);
                var problem = context.HttpContext.RequestServices.GetRequiredService<ProblemResponder>().Respond(context.HttpContext,
                    new ApiProblemException(StatusCodes.Status429TooManyRequests, "Too many requests",
                        "This client sent more requests than its rate limit allows; slow down.", retryAfter: retryAfter));
                await problem.ExecuteAsync(context.HttpContext).ConfigureAwait(false);
            };
            options.AddPolicy(RateLimitPolicy, context =>
            {
                if (security.RateLimit.PermitsPerSecond <= 0) return RateLimitPartition.GetNoLimiter("off");
                string client = context.Request.Headers[ApiKeyFilter.Header].FirstOrDefault() is { Length: > 0 } key
                    ? "key:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))
                    : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                return RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = security.RateLimit.Burst,
                    TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(security.RateLimit.PermitsPerSecond)),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(security.RateLimit.PermitsPerSecond)) / security.RateLimit.PermitsPerSecond),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
        return builder;
    }

    public static WebApplication UseFlorence2Security(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseRateLimiter();
        return app;
    }
}
