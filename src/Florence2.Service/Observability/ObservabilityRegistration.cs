using Florence2.Batching;
using Florence2.Inference;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Formatting.Compact;

namespace Florence2.Service.Observability;

/// <summary>Serilog (text or JSON console, one line per request) and OpenTelemetry (traces, metrics → Prometheus, OTLP).</summary>
public static class ObservabilityRegistration
{
    public static WebApplicationBuilder AddFlorence2Observability(this WebApplicationBuilder builder)
    {
        bool json = string.Equals(builder.Configuration["Florence2:Service:LogFormat"], "json", StringComparison.OrdinalIgnoreCase);
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
                // The host logs a failed start with its stack trace; ServiceRun reports it as one line instead.
                .MinimumLevel.Override("Microsoft.Extensions.Hosting.Internal.Host", Serilog.Events.LogEventLevel.Fatal)
                .Enrich.FromLogContext();
            if (json) logger.WriteTo.Console(new CompactJsonFormatter());
            else logger.WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        });

        builder.Services.AddSingleton<RequestMetrics>();
        builder.Services.AddSingleton<RuntimeGauges>();
        string? otlp = builder.Configuration["Florence2:Service:OtlpEndpoint"];
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("florence2-service"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Florence2Engine.Activity.Name).AddAspNetCoreInstrumentation(o =>
                    o.Filter = context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"));
                if (!string.IsNullOrWhiteSpace(otlp)) tracing.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            })
            .WithMetrics(metrics =>
            {
                // System.Runtime: the runtime's own meter (GC heap sizes, collections, thread pool, working set), so the
                // managed heap can be watched next to RSS without attaching a diagnostics tool. ASP.NET Core's own
                // meters give http.server.request.duration (per route and status) and Kestrel's connections.
                metrics.AddMeter(BatcherMetrics.MeterName, "System.Runtime", RuntimeGauges.MeterName,
                    "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
                metrics.AddInstrumentation(services => services.GetRequiredService<RuntimeGauges>());
                RuntimeGauges.DropUpDownOriginals(metrics).AddPrometheusExporter();
                if (!string.IsNullOrWhiteSpace(otlp)) metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            });
        return builder;
    }

    /// <summary>One structured line per request: task, images, batch size, queue and inference time, status, trace id.</summary>
    public static WebApplication UseFlorence2RequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "{RequestMethod} {RequestPath} {StatusCode} in {Elapsed:0.0} ms (trace {TraceId})";
            options.GetLevel = (context, _, error) => RequestLogLevel(context.Request.Path, context.Response.StatusCode, error);
            options.EnrichDiagnosticContext = (diagnostics, context) =>
                diagnostics.Set("TraceId", System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier);
        });
        return app;
    }

    /// <summary>
    /// Probes and scrapes are noise at any status (a 503 readiness during warm-up is the design); a client's own
    /// mistakes (4xx) are ordinary traffic; load shedding (503) and passed deadlines (504) are warnings about
    /// capacity; only the service's own failures are errors.
    /// </summary>
    internal static Serilog.Events.LogEventLevel RequestLogLevel(PathString path, int status, Exception? error) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics") ? Serilog.Events.LogEventLevel.Verbose
        : error is not null || status is StatusCodes.Status500InternalServerError or > 504 ? Serilog.Events.LogEventLevel.Error
        : status >= 500 ? Serilog.Events.LogEventLevel.Warning
        : Serilog.Events.LogEventLevel.Information;

    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").DisableRateLimiting();
        return app;
    }
}
