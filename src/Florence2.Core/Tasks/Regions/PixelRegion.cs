namespace Florence2.Tasks;

/// <summary>
/// A user-supplied region in pixels of the original image: top-left (<see cref="X1"/>, <see cref="Y1"/>) and bottom-right
/// (<see cref="X2"/>, <see cref="Y2"/>). Validate it with <see cref="RegionValidator"/> before quantizing.
/// </summary>
public readonly record struct PixelRegion(double X1, double Y1, double X2, double Y2);
