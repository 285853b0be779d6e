using System.Globalization;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>Configuration for a <see cref="ServiceFactory"/>, written as the keys operators use.</summary>
public static class Settings
{
    public static IReadOnlyDictionary<string, string?> Of(params (string Key, object Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => (string?)Convert.ToString(p.Value, CultureInfo.InvariantCulture));
}
