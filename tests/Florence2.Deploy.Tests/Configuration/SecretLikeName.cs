using System.Text.RegularExpressions;

namespace Florence2.Tests.Deploy;

/// <summary>Names of settings that hold secrets: their values must never be literals in the deploy files.</summary>
internal static partial class SecretLikeName
{
    public static bool Matches(string name) => Pattern().IsMatch(name);

    // "ApiKeys", "API_KEY", "Token", "client_secret", "PASSWORD"... but not "KnownProxies" or "MaxTokens" style counts.
    [GeneratedRegex(@"(KEY|TOKEN|SECRET|PASSWORD|PASSWD)(S)?(__\d+)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
