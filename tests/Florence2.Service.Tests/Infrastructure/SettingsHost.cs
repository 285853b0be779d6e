using Florence2.Service.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>
/// A host with only the service's settings registrations (<c>AddFlorence2Options</c>) on an in-memory server: its start
/// validates the settings, and nothing else runs (no model is loaded).
/// </summary>
public static class SettingsHost
{
    public static WebApplicationBuilder Builder(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseTestServer();
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.AddFlorence2Options();
        return builder;
    }
}
