using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Florence2.Service.Tests.Playground;

/// <summary>
/// Keeps the raw body of every POST the service receives (as Latin-1 text, so multipart headers and fields read as
/// sent), so a browser test can check what a page really sent. The body is buffered and rewound for the service.
/// </summary>
public sealed class RequestRecorder : IStartupFilter
{
    public ConcurrentQueue<string> Bodies { get; } = new();

    public void Register(IServiceCollection services) => services.AddSingleton<IStartupFilter>(this);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, proceed) =>
        {
            if (HttpMethods.IsPost(context.Request.Method))
            {
                context.Request.EnableBuffering();
                using var copy = new MemoryStream();
                await context.Request.Body.CopyToAsync(copy);
                context.Request.Body.Position = 0;
                Bodies.Enqueue(Encoding.Latin1.GetString(copy.ToArray()));
            }
            await proceed(context);
        });
        next(app);
    };
}
