using System.ComponentModel.DataAnnotations;
using Florence2.Serving;

namespace Florence2.Service.Configuration;

/// <summary>Input limits (<c>Florence2:Limits</c>); every one has a safe default.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Florence2:Limits";

    /// <summary>The per-request defaults live with the model (Core), so the service and the CLI share them.</summary>
    private static readonly RequestLimits RequestDefaults = new();

    /// <summary>Largest request body in bytes (multipart or JSON). Default 32 MiB.</summary>
    [Range(1024, long.MaxValue, ErrorMessage = "Florence2:Limits:MaxRequestBodyBytes must be between {1} and {2}.")]
    public long MaxRequestBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Largest encoded image in bytes. Default 20 MiB.</summary>
    [Range(64, int.MaxValue, ErrorMessage = "Florence2:Limits:MaxImageBytes must be between {1} and {2}.")]
    public int MaxImageBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Largest image in pixels (width × height), checked from the header before decoding. Default 40 M.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Florence2:Limits:MaxImagePixels must be between {1} and {2}.")]
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>Longest image side in pixels. Default 16384.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Florence2:Limits:MaxImageSide must be between {1} and {2}.")]
    public int MaxImageSide { get; set; } = 16_384;

    /// <summary>Memory the image decoder may allocate for one image, in MB. Default 256.</summary>
    [Range(1, 65536, ErrorMessage = "Florence2:Limits:MaxDecodeMegabytes must be between {1} and {2}.")]
    public int MaxDecodeMegabytes { get; set; } = 256;

    /// <summary>Images in one request. Default 16.</summary>
    [Range(1, 1024, ErrorMessage = "Florence2:Limits:MaxImagesPerRequest must be between {1} and {2}.")]
    public int MaxImagesPerRequest { get; set; } = 16;

    /// <summary>Tasks in one POST /v1/analyze request (each runs on every image). Default 8.</summary>
    [Range(1, 64, ErrorMessage = "Florence2:Limits:MaxTasksPerRequest must be between {1} and {2}.")]
    public int MaxTasksPerRequest { get; set; } = 8;

    /// <summary>Characters of <c>text</c>. Default 2000 (the encoder's position table is the real limit).</summary>
    [Range(1, 1_000_000, ErrorMessage = "Florence2:Limits:MaxTextLength must be between {1} and {2}.")]
    public int MaxTextLength { get; set; } = RequestDefaults.MaxTextLength;

    /// <summary>Highest <c>num_beams</c> a request may ask for. Default 8.</summary>
    [Range(1, 64, ErrorMessage = "Florence2:Limits:MaxNumBeams must be between {1} and {2}.")]
    public int MaxNumBeams { get; set; } = RequestDefaults.MaxNumBeams;

    /// <summary>Highest <c>max_new_tokens</c> a request may ask for. Default 1024.</summary>
    [Range(1, 65536, ErrorMessage = "Florence2:Limits:MaxNewTokens must be between {1} and {2}.")]
    public int MaxNewTokens { get; set; } = RequestDefaults.MaxNewTokens;

    /// <summary>The limits the served model applies to each request's fields (the CLI uses the same record).</summary>
    public RequestLimits ForRequests() => new() { MaxTextLength = MaxTextLength, MaxNumBeams = MaxNumBeams, MaxNewTokens = MaxNewTokens };
}
