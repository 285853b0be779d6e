namespace Florence2.Tests.Deploy;

/// <summary>What the service promises that the deploy files must agree with.</summary>
internal static class ServiceFacts
{
    public const int Port = 8080;
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string MetricsPath = "/metrics";
    public const string ModelCacheDir = "/var/cache/florence2";
    public const string EntryAssembly = "Florence2.Service.dll";
    public const string MaxBodySize = "32m";

    /// <summary>Florence2:Service:DrainTimeoutSeconds when nothing sets it.</summary>
    public const int DefaultDrainTimeoutSeconds = 30;

    public const string DrainTimeoutVariable = "Florence2__Service__DrainTimeoutSeconds";
    public const string ApiKeyVariable = "Florence2__Security__ApiKeys__0";
    public const string KnownProxyVariable = "Florence2__Security__KnownProxies__0";
    public const string CacheDirVariable = "Florence2__Model__CacheDir";
    public const string OtlpEndpointVariable = "Florence2__Service__OtlpEndpoint";

    /// <summary>The metrics the service exports (Prometheus names).</summary>
    public static readonly IReadOnlySet<string> MetricNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "florence2_requests_total", "florence2_queue_depth", "florence2_queue_duration_seconds", "florence2_batch_size", "florence2_batch_joins_total",
        "florence2_stage_duration_seconds", "florence2_generated_tokens", "florence2_rejections_total",
        "florence2_vision_encoded_images_total", "florence2_vision_cache_hits_total", "florence2_vision_cache_misses_total",
        "florence2_vision_cache_evictions_total", "florence2_vision_cache_bytes",
    };
}
