using Florence2.Inference;
using Florence2.Tasks;

namespace Florence2.Serving;

/// <summary>One image decoded and resized, its prompt built, tokenized and length-checked: ready for the queue.</summary>
/// <param name="Task">The task it runs.</param>
/// <param name="Request">What the engine runs (pixels, prompt and its ids, generation settings).</param>
/// <param name="Width">Width of the image as sent; answers are in its pixels.</param>
/// <param name="Height">Height of the image as sent.</param>
/// <param name="FormatName">The format its bytes turned out to be (JPEG, PNG, WEBP).</param>
public sealed record PreparedInput(Florence2Task Task, EngineRequest Request, int Width, int Height, string FormatName);
