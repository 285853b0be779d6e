namespace Florence2.Tests.Deploy.Configuration;

/// <summary>The name rule itself: it accepts the documented variables and catches the typical typos.</summary>
public sealed class EnvironmentVariableNameRuleTests
{
    [Theory]
    [InlineData("Florence2__Model__Path")]
    [InlineData("Florence2__Security__ApiKeys__0")]
    [InlineData("Florence2__Security__RateLimit__Burst")]
    [InlineData("Florence2__Service__DrainTimeoutSeconds")]
    [InlineData("Florence2__Cache__VisionFeaturesMb")]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("DOTNET_EnableDiagnostics")]
    [InlineData("NVIDIA_VISIBLE_DEVICES")]
    [InlineData("TMPDIR")]
    public void Accepts_documented_names(string name) =>
        Assert.Null(EnvironmentVariableNameRule.Problem(name));

    [Theory]
    [InlineData("Florence2_Model__Path")]      // one underscore after the prefix
    [InlineData("Florence2__Model_Path")]      // one underscore between segments
    [InlineData("florence2__Model__Path")]     // prefix case
    [InlineData("Florence2__Modle__Path")]     // misspelt section
    [InlineData("Florence2__model__path")]     // lower-case segments
    [InlineData("Florence2__Model")]           // section without a setting
    [InlineData("FLORENCE2_API_KEY")]          // a compose variable, not something the service reads
    [InlineData("ASPNETCORE__URLS")]
    public void Rejects_typos(string name) =>
        Assert.NotNull(EnvironmentVariableNameRule.Problem(name));

    [Theory]
    [InlineData("Florence2__Security__ApiKeys__0", true)]
    [InlineData("Florence2__Model__Token", true)]
    [InlineData("HF_TOKEN", true)]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("Florence2__Security__KnownProxies__0", false)]
    [InlineData("Florence2__Batching__MaxQueueSize", false)]
    public void Secret_like_names_are_recognised(string name, bool secret) =>
        Assert.Equal(secret, SecretLikeName.Matches(name));
}
