using System.Xml.Linq;

namespace Florence2.Tests.Deploy.Docker;

/// <summary>The projects a project depends on through ProjectReference, transitively, as repository-relative paths.</summary>
internal static class ProjectReferenceGraph
{
    public static IReadOnlySet<string> Closure(string relativeProjectPath)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Normalize(relativeProjectPath)]);
        while (pending.Count > 0)
        {
            string project = pending.Pop();
            if (!seen.Add(project))
                continue;
            var document = XDocument.Load(RepositoryRoot.File(project));
            string folder = Path.GetDirectoryName(project) ?? "";
            foreach (var reference in document.Descendants().Where(e => e.Name.LocalName == "ProjectReference"))
            {
                string? include = reference.Attribute("Include")?.Value;
                if (!string.IsNullOrEmpty(include))
                    pending.Push(Normalize(Path.Combine(folder, include.Replace('\\', '/'))));
            }
        }
        return seen;
    }

    private static string Normalize(string relativePath)
    {
        string full = Path.GetFullPath(Path.Combine(RepositoryRoot.Path, relativePath));
        return RepositoryRoot.Relative(full);
    }
}
