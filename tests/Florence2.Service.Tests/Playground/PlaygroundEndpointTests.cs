using System.Net;
using Florence2.Service.Playground;
using Florence2.Service.Tests.Infrastructure;

namespace Florence2.Service.Tests.Playground;

/// <summary>The playground's files: served at <c>/</c> with a strict CSP and nothing from elsewhere; off by its switch.</summary>
public sealed class PlaygroundEndpointTests
{
    [Fact]
    public async Task The_page_and_its_files_are_served_under_a_strict_policy()
    {
        await using var factory = ServiceFactory.Tiny();
        using var client = await factory.CreateReadyClientAsync();

        using var page = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PlaygroundEndpoints.ContentSecurityPolicy, page.Headers.GetValues("Content-Security-Policy").Single());
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("playground/playground.js", html, StringComparison.Ordinal);
        foreach (string file in new[] { "playground/playground.js", "playground/playground.css" })
        {
            using var response = await client.GetAsync("/" + file);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            string text = await response.Content.ReadAsStringAsync();
            // Nothing from the internet: no absolute URL in the page or its files.
            Assert.DoesNotContain("http://", text, StringComparison.Ordinal);
            Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_switch_turns_it_off()
    {
        await using var factory = ServiceFactory.Tiny(Settings.Of(("Florence2:Service:Playground", false)));
        using var client = await factory.CreateReadyClientAsync();

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
