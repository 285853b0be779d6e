using Florence2.Batching;
using Florence2.Service.Inference;
using Florence2.Service.Observability;

namespace Florence2.Service.Runtime;

/// <summary>Registers the model runtime, its loader, the batcher's metrics and the task invoker.</summary>
public static class ModelRegistration
{
    public static WebApplicationBuilder AddFlorence2Model(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ModelRuntime>();
        services.AddSingleton<BatcherMetrics>();
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<TaskInvoker>();
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
}
