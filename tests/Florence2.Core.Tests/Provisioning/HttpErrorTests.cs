using System.Net;
using Florence2.Provisioning;

namespace Florence2.Tests.Provisioning;

public sealed class HttpErrorTests
{
    [Fact]
    public async Task A_404_names_the_file_repository_and_revision()
    {
        await using var scenario = ProvisioningScenario.Start();
        scenario.Hub.RespondWith("onnx/encoder_model.onnx", 404);

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => scenario.EnsureAsync());

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("onnx/encoder_model.onnx", error.RelativePath);
        Assert.Contains("has no 'onnx/encoder_model.onnx'", error.Message);
        Assert.Contains($"'{scenario.Hub.Repository}'", error.Message);
        Assert.Contains("revision 'main'", error.Message);
    }

    [Fact]
    public async Task A_revision_the_hub_does_not_have_gives_a_404_on_the_first_file()
    {
        await using var scenario = ProvisioningScenario.Start();
        var options = scenario.Options();
        options.Revision = "no-such-branch";

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => scenario.EnsureAsync(options));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("revision 'no-such-branch'", error.Message);
    }

    [Fact]
    public async Task A_401_without_a_token_says_to_set_one()
    {
        await using var scenario = ProvisioningScenario.Start();
        scenario.Hub.RequiredToken = "right";

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => scenario.EnsureAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("Florence2__Model__Token", error.Message);
        Assert.Contains("gated or private", error.Message);
    }

    [Fact]
    public async Task A_401_with_a_wrong_token_says_the_token_was_refused_without_repeating_it()
    {
        await using var scenario = ProvisioningScenario.Start();
        scenario.Hub.RequiredToken = "right";
        var options = scenario.Options();
        options.Token = "wrong-token-value";

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => scenario.EnsureAsync(options));

        Assert.Contains("token", error.Message);
        Assert.Contains("was refused", error.Message);
        Assert.DoesNotContain("wrong-token-value", error.Message);
        Assert.DoesNotContain("wrong-token-value", scenario.Log.AllText);
    }
}
