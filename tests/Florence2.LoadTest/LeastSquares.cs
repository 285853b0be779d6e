namespace Florence2.LoadTest;

/// <summary>Ordinary least-squares slope of y over x.</summary>
public static class LeastSquares
{
    public static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2) return 0;
        double meanX = points.Average(p => p.X), meanY = points.Average(p => p.Y);
        double covariance = points.Sum(p => (p.X - meanX) * (p.Y - meanY));
        double variance = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        return variance == 0 ? 0 : covariance / variance;
    }
}
