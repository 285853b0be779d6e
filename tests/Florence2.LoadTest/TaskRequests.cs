using System.Net.Http.Headers;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.LoadTest;

/// <summary>The requests the tool sends: a valid caption request, and for the soak a rotating mix including refusals.</summary>
public static class TaskRequests
{
    private static readonly byte[] Png = MakePng(64, 48);

    /// <summary>A valid caption request with a small token budget (the fixture model generates noise until the budget).</summary>
    public static HttpRequestMessage Good(int maxNewTokens) => Caption(Png, "image/png", maxNewTokens);

    /// <summary>Request <paramref name="index"/> of the soak mix: mostly valid, plus the cheap refusals a service sees daily.</summary>
    public static HttpRequestMessage Mixed(int index, int maxNewTokens) => (index % 10) switch
    {
        7 => Caption(Png[..(Png.Length / 2)], "image/png", maxNewTokens),      // truncated → 422
        8 => Caption("GIF89a not really"u8.ToArray(), "image/gif", maxNewTokens), // refused format → 415
        9 => Caption(Png, "image/png", maxNewTokens: 0),                       // bad field → 400
        _ => Good(maxNewTokens),
    };

    private static HttpRequestMessage Caption(byte[] image, string contentType, int maxNewTokens)
    {
        var part = new ByteArrayContent(image);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var form = new MultipartFormDataContent
        {
            { part, "image", "load.png" },
            { new StringContent(maxNewTokens.ToString(System.Globalization.CultureInfo.InvariantCulture)), "max_new_tokens" },
        };
        return new HttpRequestMessage(HttpMethod.Post, "/v1/caption") { Content = form };
    }

    private static byte[] MakePng(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(x * 4), (byte)(y * 5), (byte)(x ^ y));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
