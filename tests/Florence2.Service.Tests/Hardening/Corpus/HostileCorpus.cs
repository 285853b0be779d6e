using System.Text;
using Florence2.Service.Tests.Infrastructure;
using static Florence2.Service.Tests.Hardening.Corpus.HostileRequests;

namespace Florence2.Service.Tests.Hardening.Corpus;

/// <summary>
/// Every hostile request the service must survive, with the answer it gives. The limits it relies on are the ones
/// <see cref="HostileServiceFixture"/> configures (4 MiB bodies, 16 images, 2000 characters of text).
/// </summary>
public static class HostileCorpus
{
    public const int BodyLimitBytes = 4 * 1024 * 1024;
    public const int MaxImages = 16;

    private const string Detect = "/v1/detect";
    private const string Caption = "/v1/caption";
    private const int Ok = 200, BadRequest = 400, Unauthorized = 401, NotFound = 404, TooLarge = 413, Unsupported = 415, Unprocessable = 422;

    private static readonly byte[] Png = TestImages.Png(64, 48, seed: 7);
    private static readonly byte[] Jpeg = TestImages.Jpeg(64, 48, seed: 7);
    private static readonly byte[] Webp = TestImages.Webp(64, 48, seed: 7);

    public static IReadOnlyList<HostileCase> All { get; } = [.. DamagedImages(), .. RefusedImages(), .. Bodies(), .. Fields(), .. Access()];

    /// <summary>xunit theory data: one row per case.</summary>
    public static TheoryData<HostileCase> Cases() => new(All);

    private static IEnumerable<HostileCase> DamagedImages()
    {
        yield return Image("jpeg-truncated-half", HostileImages.Truncated(Jpeg, 0.5), [Unprocessable], "image",
            "Regression: ImageSharp decoded a JPEG cut after its headers to 200 (missing scans grey); like Pillow (\"image file is truncated\"), the service now checks that the data reaches its end-of-image marker → 422.");
        yield return Image("jpeg-truncated-headers-only", HostileImages.Truncated(Jpeg, 0.1), [Unprocessable], "image",
            "Cut inside the JPEG headers: no frame can be decoded → 422.");
        yield return Image("png-truncated-half", HostileImages.Truncated(Png, 0.5), [Unprocessable], "image",
            "PNG cut inside IDAT: the zlib stream ends early → 422.");
        yield return Image("webp-truncated-half", HostileImages.Truncated(Webp, 0.5), [Unprocessable], "image",
            "Regression: ImageSharp decoded this to 200 (missing macroblocks as flat colour); SafeImageDecoder now holds the RIFF size against the bytes → 422.");
        yield return Image("webp-truncated-header", HostileImages.Truncated(Webp, 0.1), [Unprocessable], "image",
            "Cut right after the VP8 frame header (also 200 before the fix) → 422.");
        foreach (int seed in new[] { 1, 2, 3 })
        {
            yield return Image($"jpeg-bit-flipped-{seed}", HostileImages.BitFlipped(Jpeg, seed), [Ok, Unprocessable], null,
                "Flipped bits in JPEG entropy data usually still decode (to noise) → 200; in a table or header → 422. Never 500.");
            yield return Image($"png-bit-flipped-{seed}", HostileImages.BitFlipped(Png, seed), [Ok, Unprocessable], null,
                "PNG chunks carry CRCs, so flipped bits almost always fail the check → 422; never 500.");
            yield return Image($"webp-bit-flipped-{seed}", HostileImages.BitFlipped(Webp, seed), [Ok, Unprocessable], null,
                "Lossy WebP has no checksum: flips in the VP8 data decode to noise → 200, in headers → 422. Never 500.");
        }
        yield return Image("zero-byte-file", [], [BadRequest], "image", "An empty file part is a client error, not an image → 400.");
        yield return new("zero-byte-base64", () => Json(Caption, """{"image":"","max_new_tokens":4}"""), [BadRequest], "image",
            "An empty base64 image → 400.");
        yield return Image("png-declaring-100000x100000", HostileImages.PngDeclaring(100_000, 100_000), [TooLarge], "image",
            "Side over 16384, read from IHDR before any pixel buffer exists → 413 naming the declared size.", detailContains: "100000x100000");
        yield return Image("png-declaring-16000x16000", HostileImages.PngDeclaring(16_000, 16_000), [TooLarge], "image",
            "Sides within the cap but 256 M pixels, over the 40 M pixel cap; a 70-byte file → 413 before decoding.", detailContains: "16000x16000");
        yield return Image("jpeg-declaring-65000x65000", HostileImages.JpegDeclaring(65_000, 65_000), [TooLarge], "image",
            "A 600-byte JPEG whose SOF claims 65000×65000 → 413 from the header alone.", detailContains: "65000x65000");
    }

    private static IEnumerable<HostileCase> RefusedImages()
    {
        const string why = "Only JPEG, PNG and WebP decoders are registered (the others carry unfixed ImageSharp 2.x bugs) → 415.";
        yield return Image("bmp", TestImages.Bmp(), [Unsupported], "image", why);
        yield return Image("tiff", TestImages.Tiff(), [Unsupported], "image", why);
        yield return Image("tga", TestImages.Tga(), [Unsupported], "image", why + " TGA has no magic bytes: it is simply not recognised.");
        yield return Image("gif", TestImages.Gif(), [Unsupported], "image", why);
        yield return Image("svg", HostileImages.Svg(), [Unsupported], "image", "SVG is XML, not a raster format → 415.");
        yield return new("png-declared-as-jpeg", () => Multipart(Caption, Png, partContentType: "image/jpeg"), [Unsupported], "image",
            "The part says image/jpeg but the bytes are PNG: a client bug the service points out → 415 'Content type mismatch'.");
    }

    private static IEnumerable<HostileCase> Bodies()
    {
        yield return new("invalid-base64", () => Json(Caption, """{"image":"iVBORw0KGgo***not base64***","max_new_tokens":4}"""), [BadRequest], "image",
            "Not base64 → 400.");
        yield return new("multipart-body-over-limit", () => Multipart(Caption, new byte[BodyLimitBytes + 1024]), [TooLarge], null,
            "Body over Florence2:Limits:MaxRequestBodyBytes, refused from Content-Length before reading → 413.");
        yield return new("json-body-over-limit", () => Json(Caption, "{\"image\":\"" + new string('A', BodyLimitBytes) + "\"}"), [TooLarge], null,
            "Oversized JSON → 413 before parsing.");
        yield return new("too-many-images-multipart", () => Multipart(Caption, Png, imageCount: MaxImages + 1), [BadRequest], "image",
            "17 image parts, limit 16 → 400.");
        yield return new("too-many-images-json", () => Json(Caption,
                "{\"images\":[" + string.Join(",", Enumerable.Repeat($"\"{Convert.ToBase64String(Png)}\"", MaxImages + 1)) + "]}"),
            [BadRequest], "images", "17 base64 images, limit 16 → 400.");
        yield return new("json-nested-1000-deep", () => Json(Caption, new string('[', 1000) + new string(']', 1000)), [BadRequest], null,
            "The reader's depth limit (8) stops the parser long before the stack is at risk → 400 naming the limit; a body-level problem names no field.",
            DetailContains: "deeper than 8 levels");
        yield return new("json-nested-in-field", () => Json(Caption, "{\"region\":" + new string('[', 500) + new string(']', 500) + "}"), [BadRequest], null,
            "Deep nesting inside a field → 400 naming the limit.", DetailContains: "deeper than 8 levels");
        yield return new("json-not-json", () => Json(Caption, "{\"image\": \"abc\""), [BadRequest], null,
            "Truncated JSON → 400 saying where it ends, naming no field (not 'image', where the parser stopped).", DetailContains: "(line 1, byte 16)");
        yield return new("json-repeated-field", () => Json(Caption, $"{{\"image\":\"{Convert.ToBase64String(Png)}\",\"max_new_tokens\":4,\"max_new_tokens\":1024}}"),
            [BadRequest], "max_new_tokens", "A repeated field is refused: parsers disagree on which copy counts (first, last), a gap a proxy's check could slip through → 400.");
        yield return new("json-10000-unknown-fields", () => Json(Caption, "{" + string.Join(",", Enumerable.Range(0, 10_000).Select(i => $"\"f{i}\":{i}")) + "}"),
            [BadRequest], "f0", "Unknown fields are refused by name; ten thousand are listed as five and a count → 400 with a short detail.",
            DetailContains: "and 9995 more");
        yield return new("text-plain-body", () => Raw(Caption, Png, "text/plain"), [Unsupported], null,
            "Neither multipart/form-data nor JSON → 415, from routing (Accepts metadata), so not in florence2_requests_total.", Counted: false);
        yield return new("multipart-without-boundary", () => Raw(Caption, Encoding.ASCII.GetBytes("--x\r\n\r\n--x--"), "multipart/form-data"), [BadRequest], null,
            "multipart/form-data without a boundary → 400 for the body as a whole (no field).");
        yield return new("multipart-unknown-field", () => Multipart(Caption, Png, HostileRequests.Fields(("maxNewTokens", "1024"))), [BadRequest], "maxNewTokens",
            "An unknown form field is refused with the name it probably meant, not ignored (ignored, the budget was the default 1024) → 400.",
            DetailContains: "did you mean 'max_new_tokens'?");
    }

    private static IEnumerable<HostileCase> Fields()
    {
        yield return Field("unknown-task-field", Detect, [BadRequest], "task", ("task", "teleport"));
        yield return new("unknown-task-path", () => Multipart("/v1/tasks/teleport", Png), [NotFound], "task",
            "A task named in the path that does not exist is a missing resource → 404.");
        yield return Field("task-from-other-family", Detect, [BadRequest], "task", ("task", "caption"));
        yield return new("missing-text", () => Multipart("/v1/tasks/phrase_grounding", Png), [BadRequest], "text",
            "Phrase grounding needs text → 400.");
        yield return new("missing-region", () => Multipart("/v1/tasks/region_to_category", Png), [BadRequest], "region",
            "Region tasks need a region → 400.");
        foreach (var (name, region) in new[]
                 {
                     ("outside", "0,0,9999,10"), ("inverted", "50,40,10,10"), ("nan", "NaN,0,10,10"), ("infinite", "0,0,Infinity,10"),
                     ("negative", "-1,0,10,10"), ("loc-out-of-range", "<loc_0><loc_0><loc_1000><loc_5>"),
                 })
        {
            yield return new($"region-{name}", () => Multipart("/v1/tasks/region_to_category", Png, HostileRequests.Fields(("region", region))),
                [BadRequest], "region", $"Region '{region}' on a 64×48 image → 400.");
        }
        yield return new("region-json-overflowing-number", () => Json("/v1/tasks/region_to_category",
                $"{{\"image\":\"{Convert.ToBase64String(Png)}\",\"region\":[0,0,1e400,10]}}"), [BadRequest], "region",
            "1e400 overflows a double; the service must not treat the reader's exception as a server fault → 400.", DetailContains: "beyond the range of a number");
        yield return Field("num-beams-0", Caption, [BadRequest], "num_beams", ("num_beams", "0"));
        yield return Field("num-beams-1000", Caption, [BadRequest], "num_beams", ("num_beams", "1000"));
        yield return Field("max-new-tokens-0", Caption, [BadRequest], "max_new_tokens", ("max_new_tokens", "0"));
        yield return Field("max-new-tokens-1e9", Caption, [BadRequest], "max_new_tokens", ("max_new_tokens", "1000000000"));
        yield return Field("max-new-tokens-not-a-number", Caption, [BadRequest], "max_new_tokens", ("max_new_tokens", "lots"));
        yield return new("max-new-tokens-json-over-int", () => Json(Caption, $"{{\"image\":\"{Convert.ToBase64String(Png)}\",\"max_new_tokens\":10000000000}}"),
            [BadRequest], "max_new_tokens", "A JSON number beyond int → 400 naming the field.", DetailContains: "is out of range; got 10000000000");
        yield return new("text-1mb-json", () => Json("/v1/tasks/phrase_grounding",
                $"{{\"image\":\"{Convert.ToBase64String(Png)}\",\"text\":\"{new string('a', 1 << 20)}\"}}"), [BadRequest], "text",
            "Decision: JSON text over 2000 characters inside a body that fits the body limit is a field error → 400 'text'.");
        yield return new("text-1mb-multipart", () => Multipart("/v1/tasks/phrase_grounding", Png, HostileRequests.Fields(("text", new string('a', 1 << 20)))),
            [BadRequest], "text", "Same decision for multipart (the body fits, the form reader's value limit is sized from the body limit) → 400 'text'.");
        yield return Field("text-control-characters", "/v1/tasks/phrase_grounding", [BadRequest], "text", ("text", "a car\u0001\u001b[2J"));
        yield return new("text-invalid-utf8-multipart", () => MultipartRawField("/v1/tasks/phrase_grounding", Png, "text", [0x61, 0xC3, 0x28, 0xFF, 0x62]),
            [BadRequest], "text", "Invalid UTF-8 arrives as U+FFFD from the form reader and is refused → 400.");
        yield return new("text-invalid-utf8-json", () => Json("/v1/tasks/phrase_grounding",
                [.. Encoding.UTF8.GetBytes($"{{\"image\":\"{Convert.ToBase64String(Png)}\",\"text\":\"a"), 0xC3, 0x28, .. "\"}"u8]),
            [BadRequest], "text", "Invalid UTF-8 in a JSON string → 400 naming the field whose value holds it and the byte.", DetailContains: "is not valid UTF-8 (line 1, byte");
        yield return new("text-unpaired-surrogate-json", () => Json("/v1/tasks/phrase_grounding",
                $"{{\"image\":\"{Convert.ToBase64String(Png)}\",\"text\":\"a\\uD800\"}}"),
            [BadRequest], "text", "An escaped lone surrogate is valid JSON syntax but no string: reading it throws, which must be a 400, not a 500.");
        yield return new("timeout-header-negative", () =>
        {
            var request = Multipart(Caption, Png);
            request.Headers.Add("X-Request-Timeout-Ms", "-5");
            return request;
        }, [BadRequest], "X-Request-Timeout-Ms", "The deadline header must be a positive integer → 400.");
    }

    private static IEnumerable<HostileCase> Access()
    {
        yield return new("wrong-api-key", () => Multipart(Caption, Png), [Unauthorized], null, "Keys are on; a wrong key → 401.", ApiKey: "not-the-key");
        yield return new("empty-api-key", () => Multipart(Caption, Png), [Unauthorized], null, "An empty key is no key → 401.", ApiKey: "");
    }

    private static HostileCase Image(string name, byte[] bytes, int[] statuses, string? field, string why, string? detailContains = null) =>
        new(name, () => Multipart(Caption, bytes), statuses, field, why, detailContains);

    private static HostileCase Field(string name, string path, int[] statuses, string field, params (string Name, string Value)[] fields) =>
        new(name, () => Multipart(path, Png, HostileRequests.Fields(fields)), statuses, field, $"'{field}' = '{fields[0].Value}' → {statuses[0]}.");
}
