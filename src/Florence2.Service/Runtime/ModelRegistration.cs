using Florence2.Batching;
using Florence2.Imaging;
using Florence2.Inference;
using Florence2.Inference.VisionCache;
using Florence2.Provisioning;
using Florence2.Serving;
using Florence2.Service.Configuration;
using Microsoft.Extensions.Options;

namespace Florence2.Service.Runtime;

/// <summary>Registers the served model: its runtime state, what it is loaded from, the batcher's metrics and its lifecycle.</summary>
public static class ModelRegistration
{
    public static WebApplicationBuilder AddFlorence2Model(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ModelRuntime>();
        services.AddSingleton<BatcherMetrics>();
        services.AddSingleton<VisionCacheMetrics>();
        services.AddSingleton(LoadSettings);
        services.AddSingleton<ModelLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelLifecycle>());
        services.Configure<HostOptions>(options =>
        {
            // Kestrel waits for in-flight requests up to this long after SIGTERM; then hosted services stop.
            int drain = builder.Configuration.GetValue("Florence2:Service:DrainTimeoutSeconds", 30);
            options.ShutdownTimeout = TimeSpan.FromSeconds(drain + 5);
        });
        return builder;
    }

    /// <summary>The configuration, gathered into what <see cref="Florence2Model.LoadAsync"/> takes.</summary>
    private static ModelLoadSettings LoadSettings(IServiceProvider services)
    {
        var model = services.GetRequiredService<IOptions<ModelOptions>>().Value;
        var limits = services.GetRequiredService<IOptions<LimitsOptions>>().Value;
        var decorators = services.GetServices<IBatchExecutorDecorator>().ToArray();
        return new ModelLoadSettings
        {
            LocalPath = model.Path,
            Id = model.Id,
            Source = services.GetRequiredService<IOptions<ModelSourceOptions>>().Value,
            Inference = services.GetRequiredService<IOptions<InferenceOptions>>().Value,
            Batching = services.GetRequiredService<IOptions<BatchingOptions>>().Value,
            Cache = services.GetRequiredService<IOptions<CacheOptions>>().Value,
            VisionCacheMetrics = services.GetRequiredService<VisionCacheMetrics>(),
            Images = new ImageDecodingOptions
            {
                MaxPixels = limits.MaxImagePixels,
                MaxSideLength = limits.MaxImageSide,
                MaxEncodedBytes = limits.MaxImageBytes,
                MaxAllocationMegabytes = limits.MaxDecodeMegabytes,
            },
            WarmUp = services.GetRequiredService<IOptions<ServiceOptions>>().Value.WarmUp,
            WrapExecutor = decorators.Length == 0 ? null : executor => decorators.Aggregate(executor, (inner, d) => d.Decorate(inner)),
        };
    }
}
