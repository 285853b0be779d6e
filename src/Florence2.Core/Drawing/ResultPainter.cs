using System.Globalization;
using System.Text.Json.Nodes;
using Florence2.Imaging;
using SkiaSharp;

namespace Florence2.Drawing;

/// <summary>
/// Draws an answer on the image it answers, at the image's own size: polygons filled translucent and outlined, boxes
/// and OCR quadrilaterals outlined, each in its label's colour (<see cref="LabelColors"/>), with a tag holding the
/// label and, when the answer has one, the score; a text answer goes in a banner along the bottom. Line width and
/// type size follow the image's size, so tags stay legible on a thumbnail and on a poster. The answer is read as the
/// API writes it (<c>result</c> of a task response), so whatever the API answers, scores included, is what is drawn.
/// The font is embedded (DejaVu Sans Bold, Bitstream Vera licence): no system font is needed.
/// </summary>
public sealed class ResultPainter : IDisposable
{
    private const string FontResource = "Florence2.Drawing.Fonts.DejaVuSans-Bold.ttf";

    /// <summary>The opacity of a segment's tint (0x60 of 0xFF, as the playground fills).</summary>
    private const byte FillAlpha = 0x60;

    private readonly SKTypeface _typeface;

    public ResultPainter()
    {
        using var font = typeof(ResultPainter).Assembly.GetManifestResourceStream(FontResource)
            ?? throw new InvalidOperationException($"The embedded font {FontResource} is missing from the build.");
        _typeface = SKTypeface.FromStream(font) ?? throw new InvalidOperationException("The embedded font could not be read.");
    }

    /// <summary>The image with <paramref name="result"/> drawn on it, encoded as <paramref name="format"/>.</summary>
    /// <param name="image">The image as the model saw it (same pixels, same size).</param>
    /// <param name="result">The <c>result</c> object of the answer: text, detections, lines and/or segments.</param>
    /// <param name="format">PNG (lossless), JPEG or WebP (quality 90).</param>
    public byte[] Paint(DecodedImage image, JsonObject result, AnnotatedImageFormat format)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(result);
        using var bitmap = ToBitmap(image);
        using (var canvas = new SKCanvas(bitmap))
        {
            var scale = new Scale(image.Width, image.Height);
            using var font = new SKFont(_typeface, scale.FontSize) { Subpixel = true, Edging = SKFontEdging.Antialias };
            var tags = new List<Tag>();
            foreach (var segment in Items(result, "segments"))
            {
                var colour = Colour(segment, "label");
                var polygons = (segment["polygons"]?.AsArray() ?? []).Select(Points).Where(p => p.Length >= 2).ToArray();
                FillUnion(canvas, polygons, colour);
                var first = default(SKPoint?);
                foreach (var points in polygons)
                {
                    using var path = Polygon(points);
                    using (var stroke = Stroke(colour, scale.LineWidth)) canvas.DrawPath(path, stroke);
                    first ??= points.MinBy(p => p.Y + p.X);
                }
                if (first is { } anchor) tags.Add(new Tag(TagText(segment, "label"), colour, anchor.X, anchor.Y));
            }
            foreach (var detection in Items(result, "detections"))
            {
                var colour = Colour(detection, "label");
                var box = detection["box"];
                if (box is null) continue;
                var rect = new SKRect(Number(box["x1"]), Number(box["y1"]), Number(box["x2"]), Number(box["y2"]));
                using (var stroke = Stroke(colour, scale.LineWidth)) canvas.DrawRect(rect, stroke);
                tags.Add(new Tag(TagText(detection, "label"), colour, rect.Left, rect.Top));
            }
            foreach (var line in Items(result, "lines"))
            {
                var colour = Colour(line, "text");
                var points = Points(line["quad"]);
                if (points.Length < 2) continue;
                using var path = Polygon(points);
                using (var stroke = Stroke(colour, scale.LineWidth)) canvas.DrawPath(path, stroke);
                tags.Add(new Tag(TagText(line, "text"), colour, points[0].X, points[0].Y));
            }
            // Tags last, so no outline crosses a label.
            foreach (var tag in tags.Where(t => t.Text.Length > 0)) DrawTag(canvas, font, scale, tag, image.Width, image.Height);
            if (result["text"] is JsonValue text && text.TryGetValue(out string? caption) && caption.Length > 0)
                DrawBanner(canvas, font, scale, caption, image.Width, image.Height);
        }
        using var encoded = bitmap.Encode(ToSkia(format), format == AnnotatedImageFormat.Png ? 100 : 90)
            ?? throw new InvalidOperationException($"Encoding the annotated image as {format} failed.");
        return encoded.ToArray();
    }

    public void Dispose() => _typeface.Dispose();

    /// <summary>Line width and type size for an image: a fixed share of its smaller side, never below a readable minimum.</summary>
    private readonly record struct Scale(int Width, int Height)
    {
        private int Side => Math.Min(Width, Height);

        public float LineWidth => Math.Max(2f, Side / 250f);

        public float FontSize => Math.Max(12f, Side / 36f);

        public float Padding => Math.Max(2f, FontSize / 5f);
    }

    private sealed record Tag(string Text, (byte R, byte G, byte B) Colour, float X, float Y);

    private static void DrawTag(SKCanvas canvas, SKFont font, Scale scale, Tag tag, int width, int height)
    {
        float textWidth = font.MeasureText(tag.Text);
        var metrics = font.Metrics;
        float tagHeight = metrics.Descent - metrics.Ascent + (2 * scale.Padding);
        float tagWidth = textWidth + (2 * scale.Padding);
        // Above the shape's corner when there is room, else just inside it; always within the image.
        float top = tag.Y - tagHeight >= 0 ? tag.Y - tagHeight : tag.Y;
        top = Math.Clamp(top, 0, Math.Max(0, height - tagHeight));
        float left = Math.Clamp(tag.X, 0, Math.Max(0, width - tagWidth));
        using (var fill = Fill(tag.Colour, 0xE6)) canvas.DrawRect(new SKRect(left, top, left + tagWidth, top + tagHeight), fill);
        var ink = LabelColors.DarkTextOn(tag.Colour) ? SKColors.Black : SKColors.White;
        using var paint = new SKPaint { Color = ink, IsAntialias = true };
        canvas.DrawText(tag.Text, left + scale.Padding, top + scale.Padding - metrics.Ascent, SKTextAlign.Left, font, paint);
    }

    /// <summary>A text answer along the bottom, wrapped to the image's width, at most a third of its height.</summary>
    private static void DrawBanner(SKCanvas canvas, SKFont font, Scale scale, string text, int width, int height)
    {
        var metrics = font.Metrics;
        float lineHeight = metrics.Descent - metrics.Ascent + scale.Padding;
        int maxLines = Math.Max(1, (int)(height / 3 / lineHeight));
        var lines = Wrap(text, font, width - (2 * scale.Padding), maxLines);
        float bannerHeight = (lines.Count * lineHeight) + scale.Padding;
        using (var shade = new SKPaint { Color = new SKColor(0, 0, 0, 0xB0) })
            canvas.DrawRect(new SKRect(0, height - bannerHeight, width, height), shade);
        using var paint = new SKPaint { Color = SKColors.White, IsAntialias = true };
        for (int i = 0; i < lines.Count; i++)
            canvas.DrawText(lines[i], scale.Padding, height - bannerHeight + scale.Padding + (i * lineHeight) - metrics.Ascent,
                SKTextAlign.Left, font, paint);
    }

    private static List<string> Wrap(string text, SKFont font, float width, int maxLines)
    {
        var lines = new List<string>();
        string current = "";
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = current.Length == 0 ? word : current + " " + word;
            if (current.Length > 0 && font.MeasureText(candidate) > width)
            {
                lines.Add(current);
                current = word;
            }
            else current = candidate;
        }
        if (current.Length > 0) lines.Add(current);
        if (lines.Count > maxLines) lines = [.. lines.Take(maxLines - 1), lines[maxLines - 1] + " …"];
        return lines;
    }

    private static IEnumerable<JsonObject> Items(JsonObject result, string name) =>
        (result[name] as JsonArray ?? []).OfType<JsonObject>();

    private static (byte R, byte G, byte B) Colour(JsonObject item, string labelField) =>
        LabelColors.Of(item[labelField] is JsonValue value && value.TryGetValue(out string? label) ? label : "");

    /// <summary>The label with the score when the answer has one, e.g. <c>car 0.87</c>.</summary>
    private static string TagText(JsonObject item, string labelField)
    {
        string label = item[labelField] is JsonValue value && value.TryGetValue(out string? text) ? text : "";
        if (item["score"] is JsonValue score && score.TryGetValue(out double number))
            label = (label + " " + number.ToString("0.00", CultureInfo.InvariantCulture)).Trim();
        return label;
    }

    /// <summary>
    /// Tints the union of an instance's polygons once: each polygon is filled even-odd and opaque in a layer over their
    /// bounds, and the layer is laid over the image translucent, so where polygons overlap the tint does not double —
    /// the picture agrees with the instance's mask and its <c>area</c>, which count those pixels once.
    /// </summary>
    private static void FillUnion(SKCanvas canvas, SKPoint[][] polygons, (byte R, byte G, byte B) colour)
    {
        if (polygons.Length == 0) return;
        var all = polygons.SelectMany(p => p).ToArray();
        // One pixel beyond the points, for the antialiased edge.
        var bounds = new SKRect(all.Min(p => p.X) - 1, all.Min(p => p.Y) - 1, all.Max(p => p.X) + 1, all.Max(p => p.Y) + 1);
        using (var layerPaint = new SKPaint { Color = SKColors.White.WithAlpha(FillAlpha) })
            canvas.SaveLayer(bounds, layerPaint);
        using (var fill = Fill(colour, 0xFF))
        {
            foreach (var points in polygons)
            {
                using var path = Polygon(points);
                canvas.DrawPath(path, fill);
            }
        }
        canvas.Restore();
    }

    private static SKPoint[] Points(JsonNode? polygon) =>
        (polygon as JsonArray ?? []).OfType<JsonObject>().Select(p => new SKPoint(Number(p["x"]), Number(p["y"]))).ToArray();

    private static float Number(JsonNode? node) => node is JsonValue value && value.TryGetValue(out double number) ? (float)number : 0f;

    private static SKPath Polygon(SKPoint[] points)
    {
        using var builder = new SKPathBuilder { FillType = SKPathFillType.EvenOdd };
        builder.AddPoly(points, true);
        return builder.Detach();
    }

    private static SKPaint Stroke((byte R, byte G, byte B) colour, float width) =>
        new() { Color = new SKColor(colour.R, colour.G, colour.B), Style = SKPaintStyle.Stroke, StrokeWidth = width, IsAntialias = true };

    private static SKPaint Fill((byte R, byte G, byte B) colour, byte alpha) =>
        new() { Color = new SKColor(colour.R, colour.G, colour.B, alpha), Style = SKPaintStyle.Fill, IsAntialias = true };

    private static SKEncodedImageFormat ToSkia(AnnotatedImageFormat format) => format switch
    {
        AnnotatedImageFormat.Jpeg => SKEncodedImageFormat.Jpeg,
        AnnotatedImageFormat.Webp => SKEncodedImageFormat.Webp,
        _ => SKEncodedImageFormat.Png,
    };

    private static unsafe SKBitmap ToBitmap(DecodedImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        byte* pixels = (byte*)bitmap.GetPixels();
        int stride = bitmap.RowBytes;
        image.Pixels.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var source = rows.GetRowSpan(y);
                var target = new Span<byte>(pixels + ((long)y * stride), image.Width * 4);
                for (int x = 0; x < source.Length; x++)
                {
                    target[(4 * x) + 0] = source[x].R;
                    target[(4 * x) + 1] = source[x].G;
                    target[(4 * x) + 2] = source[x].B;
                    target[(4 * x) + 3] = 255;
                }
            }
        });
        return bitmap;
    }
}
