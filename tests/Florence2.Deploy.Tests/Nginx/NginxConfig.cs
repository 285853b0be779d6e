namespace Florence2.Tests.Deploy.Nginx;

/// <summary>deploy/nginx/nginx.conf parsed, with the blocks the rules look at.</summary>
internal sealed class NginxConfig(NginxDirective main)
{
    public const string Path = DeployFiles.NginxConfig;

    private static readonly Lazy<NginxConfig> Loaded = new(() => new NginxConfig(NginxConfigParser.Parse(RepositoryRoot.ReadText(Path))));

    public static NginxConfig Instance => Loaded.Value;

    public NginxDirective Main { get; } = main;

    public NginxDirective Http => Rule.Present(Main.First("http"), Path, "has an http block");

    public NginxDirective Server => Rule.Present(Http.First("server"), Path, "has a server block inside http");

    public IReadOnlyList<NginxDirective> Upstreams => Http.Named("upstream").ToList();

    public NginxDirective? Location(params string[] arguments) =>
        Server.Named("location").FirstOrDefault(l => l.Arguments.SequenceEqual(arguments));

    /// <summary>The directive in effect inside a location (location, then server, then http).</summary>
    public NginxDirective? EffectiveIn(NginxDirective location, string name) =>
        NginxDirective.Effective([Http, Server, location], name);
}
