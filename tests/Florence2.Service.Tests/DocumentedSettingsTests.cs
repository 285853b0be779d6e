using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Florence2.Batching;
using Florence2.Inference;
using Florence2.Inference.VisionCache;
using Florence2.Provisioning;
using Florence2.Service.Configuration;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Tests;
using Microsoft.Extensions.Options;

namespace Florence2.Service.Tests;

/// <summary>
/// Settings as operators meet them. Configuration binding ignores a key nothing reads, so a misspelt
/// <c>Florence2__…</c> name in the README or a deploy file would be silently without effect: every one mentioned must
/// bind to an option. And every option the service reads is in the README's configuration table, with its real default.
/// </summary>
public sealed partial class DocumentedSettingsTests
{
    /// <summary>The option classes and the sections they bind from (OptionsRegistration).</summary>
    private static readonly (string Section, Type Options)[] Bound =
    [
        (ModelOptions.Section, typeof(ModelOptions)),
        (ModelSourceOptions.SectionName, typeof(ModelSourceOptions)),
        (InferenceOptions.SectionName, typeof(InferenceOptions)),
        (BatchingOptions.SectionName, typeof(BatchingOptions)),
        (CacheOptions.SectionName, typeof(CacheOptions)),
        (LimitsOptions.Section, typeof(LimitsOptions)),
        (SecurityOptions.Section, typeof(SecurityOptions)),
        (ServiceOptions.Section, typeof(ServiceOptions)),
    ];

    private static readonly string[] MentioningFiles =
        ["README.md", "Dockerfile", "docker-compose.yml", "deploy", "docs"];

    [Fact]
    public void The_table_here_lists_every_option_class_the_service_binds()
    {
        var registered = SettingsHost.Builder().Services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Namespace?.StartsWith("Florence2", StringComparison.Ordinal) == true)
            .ToHashSet();
        Assert.Equal(registered.Select(t => t.Name).Order(), Bound.Select(b => b.Options.Name).Order());
    }

    [Fact]
    public void Every_setting_the_readme_and_deploy_files_name_is_one_the_service_reads()
    {
        var known = Keys().ToHashSet(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (string file in MentioningFiles.SelectMany(Files))
            foreach (Match mention in EnvironmentName().Matches(File.ReadAllText(file)))
            {
                // "__N" and "__0" stand for a list index.
                string name = ListIndex().Replace(mention.Value, "__N");
                if (!known.Contains(name)) unknown.Add($"{RepositoryRoot.Relative(file)}: {mention.Value}");
            }
        Assert.True(unknown.Count == 0, "Settings no option binds (known: " + string.Join(", ", known.Order()) + "):\n" + string.Join("\n", unknown));
    }

    [Fact]
    public void Every_option_the_service_reads_is_in_the_readme_configuration_table()
    {
        var documented = ConfigurationTableKeys();
        var missing = Keys().Where(key => !documented.Contains(key)).Order().ToList();
        Assert.True(missing.Count == 0, "Options missing from the README's configuration table:\n" + string.Join("\n", missing));
    }

    private static IReadOnlyCollection<string> Keys() => Settings().Keys;

    /// <summary>
    /// Every setting by its environment variable (<c>Florence2__Security__ApiKeys__N</c> for a list), with its default
    /// (null for none: an empty string, a list, a null).
    /// </summary>
    private static Dictionary<string, object?> Settings()
    {
        var settings = new Dictionary<string, object?>(StringComparer.Ordinal);
        void Add(string prefix, object instance)
        {
            foreach (var property in instance.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                string key = prefix + "__" + property.Name;
                var type = property.PropertyType;
                object? value = property.GetValue(instance);
                if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type)) settings[key + "__N"] = null;
                else if (type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("Florence2", StringComparison.Ordinal) == true) Add(key, value!);
                else settings[key] = value is "" ? null : value;
            }
        }
        foreach (var (section, options) in Bound) Add(section.Replace(":", "__", StringComparison.Ordinal), Activator.CreateInstance(options)!);
        return settings;
    }

    /// <summary>
    /// The rows of the README's configuration table: the keys of the first column (<c>`A__B__C` / `D`</c> names
    /// <c>A__B__C</c> and <c>A__B__D</c>) and the default column.
    /// </summary>
    private static List<(List<string> Keys, string Default)> ConfigurationTable()
    {
        var rows = new List<(List<string>, string)>();
        foreach (string row in RepositoryRoot.MarkdownSection("README.md", "Configuration").Split('\n')
                     .Where(line => line.StartsWith("| `Florence2", StringComparison.Ordinal)))
        {
            string[] cells = row.Split('|');
            string cell = cells[1];
            var keys = new List<string>();
            foreach (Match full in EnvironmentName().Matches(cell))
            {
                string name = ListIndex().Replace(full.Value, "__N");
                keys.Add(name);
                string parent = name[..name.LastIndexOf("__", StringComparison.Ordinal)];
                foreach (Match sibling in SiblingName().Matches(cell[(full.Index + full.Length)..]))
                    keys.Add(parent + "__" + sibling.Groups[1].Value);
            }
            rows.Add((keys, cells[2].Trim()));
        }
        return rows;
    }

    private static HashSet<string> ConfigurationTableKeys() =>
        ConfigurationTable().SelectMany(row => row.Keys).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Each documented default is the option's own: <c>8 / 1024</c> pairs with a row's two keys, one value serves
    /// them all; backticks and a parenthesised note are dropped; <c>32 MiB</c> and <c>40 M</c> are numbers. Options
    /// whose default is empty (no keys, no token) say so in words and are not compared, nor is the cache folder,
    /// which follows <c>$XDG_CACHE_HOME</c>.
    /// </summary>
    [Fact]
    public void The_readme_configuration_table_gives_each_option_its_real_default()
    {
        var defaults = Settings();
        var wrong = new List<string>();
        int compared = 0;
        foreach (var (keys, cell) in ConfigurationTable())
        {
            string[] values = cell.Split(" / ");
            for (int i = 0; i < keys.Count; i++)
            {
                if (!defaults.TryGetValue(keys[i], out object? actual) || actual is null || keys[i] == "Florence2__Model__CacheDir") continue;
                string documented = Normalized(values.Length == keys.Count ? values[i] : values[0]);
                compared++;
                if (!SameValue(documented, actual)) wrong.Add($"{keys[i]}: README says '{documented}', the option's default is '{actual}'");
            }
        }
        Assert.True(compared >= 30, $"only {compared} defaults compared; the table is read wrongly");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static string Normalized(string value)
    {
        string plain = Parenthesised().Replace(value.Replace("`", "", StringComparison.Ordinal), "").Trim();
        var unit = Unit().Match(plain);
        if (!unit.Success) return plain;
        long number = long.Parse(unit.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return (unit.Groups[2].Value == "MiB" ? number * 1024 * 1024 : number * 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool SameValue(string documented, object actual) => actual switch
    {
        bool flag => string.Equals(documented, flag ? "true" : "false", StringComparison.OrdinalIgnoreCase),
        Enum member => string.Equals(documented, member.ToString(), StringComparison.OrdinalIgnoreCase),
        string text => documented == text,
        _ => double.TryParse(documented, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double number)
             && number == Convert.ToDouble(actual, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static IEnumerable<string> Files(string relative)
    {
        string path = Path.Combine(RepositoryRoot.Path, relative);
        return Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".png", StringComparison.Ordinal))
            : [RepositoryRoot.File(relative)];
    }

    [GeneratedRegex(@"\bFlorence2_+[A-Za-z][A-Za-z0-9_]*")]
    private static partial Regex EnvironmentName();

    [GeneratedRegex(@"__(?:N|[0-9]+)$")]
    private static partial Regex ListIndex();

    [GeneratedRegex(@"\s*\([^)]*\)")]
    private static partial Regex Parenthesised();

    [GeneratedRegex(@"^([0-9]+) (MiB|M)$")]
    private static partial Regex Unit();

    /// <summary>A short sibling after a full name in a table cell: <c> / `InterOpThreads`</c>.</summary>
    [GeneratedRegex(@"/ `([A-Z][A-Za-z0-9]*)`")]
    private static partial Regex SiblingName();
}
