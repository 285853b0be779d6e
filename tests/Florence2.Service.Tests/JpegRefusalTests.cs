using System.Net;
using Florence2.Service.Tests.Infrastructure;

namespace Florence2.Service.Tests;

/// <summary>
/// JPEG refusals through the HTTP API: each file of the committed corpus that Pillow refuses (truncated, 12-bit,
/// lossless, no frame) or that the service cannot decode exactly as Pillow does (an incomplete progressive file) is
/// a problem naming the image, never a 200 with other pixels; a CMYK JPEG, which ImageSharp used to decode
/// differently, is answered.
/// </summary>
public sealed class JpegRefusalTests(TinyService service) : IClassFixture<TinyService>
{
    public static TheoryData<string, HttpStatusCode, string> Refused() => new()
    {
        { "refused-truncated-baseline.jpg", HttpStatusCode.UnprocessableEntity, "The JPEG image is truncated" },
        { "refused-truncated-progressive.jpg", HttpStatusCode.UnprocessableEntity, "The JPEG image is truncated" },
        { "refused-12-bit-precision.jpg", HttpStatusCode.UnprocessableEntity, "12-bit JPEG images are not supported" },
        { "refused-lossless-sof3.jpg", HttpStatusCode.UnprocessableEntity, "Lossless and hierarchical JPEG images are not supported" },
        // Not even a whole JPEG signature (FF D8 FF): not recognised as any accepted format, like Pillow's "cannot identify".
        { "refused-no-frame.jpg", HttpStatusCode.UnsupportedMediaType, "The image format was not recognised" },
        { "unmatchable-progressive-scans-missing.jpg", HttpStatusCode.UnprocessableEntity, "cannot be decoded exactly as the reference does" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Is_a_problem_for_the_image_saying_why(string file, HttpStatusCode status, string detail)
    {
        byte[] jpeg = File.ReadAllBytes(RepositoryRoot.File($"tests/jpeg-corpus/{file}"));

        using var response = await service.Client.PostAsync("/v1/caption", TaskRequests.Multipart(jpeg, contentType: "image/jpeg"));

        var problem = await response.AssertProblemAsync(status, "image");
        Assert.Contains(detail, (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cmyk_jpeg_is_answered()
    {
        byte[] jpeg = File.ReadAllBytes(RepositoryRoot.File("tests/jpeg-corpus/ycck-420.jpg"));

        using var response = await service.Client.PostAsync("/v1/caption", TaskRequests.Multipart(jpeg, contentType: "image/jpeg"));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var answer = await response.ReadObjectAsync();
        Assert.Equal(42, (int?)answer["image"]?["width"]);
    }
}
