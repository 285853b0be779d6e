using System.Reflection;
using Florence2.Tests;

namespace Florence2.Cluster.Tests;

/// <summary>Where the repository, the built service and the deploy configs are.</summary>
internal static class RepositoryPaths
{
    public static string Root => RepositoryRoot.Path;

    /// <summary>The service built by the same solution build, in the same configuration as this test assembly.</summary>
    public static string ServiceDll => Built("Florence2.Service", "Florence2.Service.dll");

    /// <summary>The <c>florence2</c> command-line tool, built likewise.</summary>
    public static string CliDll => Built("Florence2.Cli", "florence2.dll");

    private static string Built(string project, string file)
    {
        string configuration = typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "Configuration").Value!;
        string path = Path.Combine(Root, "src", project, "bin", configuration, "net10.0", file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built at {path}; build the solution first.", path);
    }

    public static string NginxConfig => Path.Combine(Root, "deploy", "nginx", "nginx.conf");
}
