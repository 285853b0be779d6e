namespace Florence2.Imaging;

/// <summary>Width and height in pixels, e.g. an upload's original size, which post-processing needs to scale boxes back.</summary>
public readonly record struct ImageSize(int Width, int Height);
