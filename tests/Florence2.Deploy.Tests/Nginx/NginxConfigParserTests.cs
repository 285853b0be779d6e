namespace Florence2.Tests.Deploy.Nginx;

/// <summary>The small nginx parser the rules rely on.</summary>
public sealed class NginxConfigParserTests
{
    [Fact]
    public void Builds_nested_blocks_and_drops_comments()
    {
        var main = NginxConfigParser.Parse("""
            # comment
            events { worker_connections 10; }
            http {
                upstream app { server a:1 max_fails=0; }  # trailing comment
                server { location = /x { return 200 "ok; {fine}\n"; } }
            }
            """);
        var http = main.First("http")!;
        Assert.Equal(["a:1", "max_fails=0"], http.First("upstream")!.First("server")!.Arguments);
        var location = http.First("server")!.First("location")!;
        Assert.Equal(["=", "/x"], location.Arguments);
        Assert.Equal(["200", "ok; {fine}\\n"], location.First("return")!.Arguments);
    }

    [Fact]
    public void Keeps_braced_variables_inside_words()
    {
        var main = NginxConfigParser.Parse("set $a ${host}_suffix;");
        Assert.Equal(["$a", "${host}_suffix"], main.First("set")!.Arguments);
    }

    [Theory]
    [InlineData("http { server { listen 80 }")]
    [InlineData("listen 80")]
    [InlineData("}")]
    [InlineData("return \"unterminated;")]
    public void Rejects_malformed_text(string text) =>
        Assert.Throws<FormatException>(() => NginxConfigParser.Parse(text));

    [Fact]
    public void Inner_blocks_override_outer_directives()
    {
        var http = NginxConfigParser.Parse("http { client_max_body_size 1m; server { client_max_body_size 2m; location / { } } }").First("http")!;
        var server = http.First("server")!;
        Assert.Equal("2m", NginxDirective.Effective([http, server, server.First("location")!], "client_max_body_size")!.Arguments[0]);
    }
}
