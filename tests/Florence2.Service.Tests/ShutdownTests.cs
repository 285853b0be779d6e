using System.Net;
using Florence2.Service.Runtime;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Florence2.Service.Tests;

/// <summary>Stopping the host: readiness off at once, new work refused with 503, work already taken finishes.</summary>
[Collection(SerialCollection.Name)]
public sealed class ShutdownTests
{
    /// <summary>
    /// <see cref="IHostApplicationLifetime.StopApplication"/> is what SIGTERM does: it fires ApplicationStopping
    /// (readiness off, new work refused) and makes Program's <c>app.Run()</c> stop the host, which drains.
    /// </summary>
    [Fact]
    public async Task Stopping_turns_readiness_off_refuses_new_work_and_lets_running_and_queued_requests_finish()
    {
        await using var service = await BusyService.StartAsync(("Florence2:Batching:MaxBatchSize", 1));
        var running = await service.HoldWorkerAsync(800);
        var queued = new[] { service.SendShortAsync(), service.SendShortAsync() };
        await Prometheus.WaitForAsync(service.Client, m => m.Value("florence2_queue_depth") == 2, "two queued requests");

        service.Factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        using (var ready = await service.Client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("draining", (string?)(await ready.ReadObjectAsync())["status"]);
        }
        using (var live = await service.Client.GetAsync("/health/live")) Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using (var refused = await service.SendShortAsync())
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Shutting down", (string?)problem["title"]);
            refused.AssertRetryAfter();
        }
        Assert.False(running.IsCompleted, "The stop must happen while the long request runs.");
        await running.ReleaseAndAssertOkAsync();
        foreach (var request in queued) await BusyService.AssertOkAsync(request);
    }

    /// <summary>
    /// Stops the host the way SIGTERM does (<see cref="IHost.StopAsync"/>). Disposing the factory instead would first
    /// dispose its HttpClients, which aborts their requests on the client side, so it can't show the drain.
    /// </summary>
    [Fact]
    public async Task Stopping_the_host_waits_for_queued_and_running_requests_before_releasing_the_model()
    {
        await using var service = await BusyService.StartAsync(("Florence2:Batching:MaxBatchSize", 1));
        var running = await service.HoldWorkerAsync(800);
        var queued = service.SendShortAsync();
        await Prometheus.WaitForAsync(service.Client, m => m.Value("florence2_queue_depth") == 1, "a queued request");

        var runtime = service.Factory.Services.GetRequiredService<ModelRuntime>();

        var stopping = service.Factory.Services.GetRequiredService<IHost>().StopAsync();
        // The stop waits for the held request: the model stays loaded (the wait is on the stop, not on a timer).
        await Eventually.TrueAsync(() => runtime.State != ModelState.Ready, "the stop begun");
        Assert.False(stopping.IsCompleted, "The host stopped while a request was still running.");
        Assert.NotEqual(ModelState.Stopped, runtime.State);
        running.Release();
        await stopping;

        // Both were answered before the model was released. (Once the host has stopped, WebApplicationFactory's
        // Program.Run returns and disposes the services, so the test server can't be asked anything more.)
        Assert.Equal(ModelState.Stopped, runtime.State);
        await running.ReleaseAndAssertOkAsync();
        await BusyService.AssertOkAsync(queued);
    }
}
