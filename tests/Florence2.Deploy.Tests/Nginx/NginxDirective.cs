namespace Florence2.Tests.Deploy.Nginx;

/// <summary>One nginx directive: its name, arguments (quotes removed) and, for blocks, the directives inside.</summary>
internal sealed record NginxDirective(string Name, IReadOnlyList<string> Arguments, IReadOnlyList<NginxDirective> Children, int Line)
{
    public bool IsBlock { get; init; }

    public IEnumerable<NginxDirective> Named(string name) => Children.Where(c => c.Name == name);

    public NginxDirective? First(string name) => Children.FirstOrDefault(c => c.Name == name);

    /// <summary>This directive and everything nested in it, depth first.</summary>
    public IEnumerable<NginxDirective> Descendants()
    {
        foreach (var child in Children)
        {
            yield return child;
            foreach (var nested in child.Descendants())
                yield return nested;
        }
    }

    /// <summary>The value in effect for a directive inherited from outer blocks (the innermost one wins).</summary>
    public static NginxDirective? Effective(IEnumerable<NginxDirective> outerToInner, string name) =>
        outerToInner.Select(block => block.First(name)).LastOrDefault(d => d is not null);

    public override string ToString() => $"line {Line}: {Name} {string.Join(' ', Arguments)}";
}
