namespace Florence2.Fixtures.Onnx;

/// <summary>Typed shorthands for the ai.onnx (opset 17) operators the fixture graphs use.</summary>
internal static class GraphBuilderOps
{
    public static string Add(this GraphBuilder g, string a, string b) => g.Node("Add", [a, b]);
    public static string Sub(this GraphBuilder g, string a, string b) => g.Node("Sub", [a, b]);
    public static string Mul(this GraphBuilder g, string a, string b) => g.Node("Mul", [a, b]);
    public static string MatMul(this GraphBuilder g, string a, string b) => g.Node("MatMul", [a, b]);
    public static string Erf(this GraphBuilder g, string x) => g.Node("Erf", [x]);
    public static string Relu(this GraphBuilder g, string x) => g.Node("Relu", [x]);
    public static string Identity(this GraphBuilder g, string x) => g.Node("Identity", [x]);
    public static string Equal(this GraphBuilder g, string a, string b) => g.Node("Equal", [a, b]);
    public static string Mod(this GraphBuilder g, string a, string b) => g.Node("Mod", [a, b]);
    public static string Greater(this GraphBuilder g, string a, string b) => g.Node("Greater", [a, b]);
    public static string Where(this GraphBuilder g, string condition, string a, string b) => g.Node("Where", [condition, a, b]);
    public static string Range(this GraphBuilder g, string start, string limit, string delta) => g.Node("Range", [start, limit, delta]);
    public static string Reshape(this GraphBuilder g, string x, string shape) => g.Node("Reshape", [x, shape]);
    public static string Expand(this GraphBuilder g, string x, string shape) => g.Node("Expand", [x, shape]);
    public static string Unsqueeze(this GraphBuilder g, string x, params long[] axes) => g.Node("Unsqueeze", [x, g.Int64s(axes)]);
    public static string Softmax(this GraphBuilder g, string x, long axis) => g.Node("Softmax", [x], Attr.Int("axis", axis));
    public static string Cast(this GraphBuilder g, string x, ElementType to) => g.Node("Cast", [x], Attr.Int("to", (long)to));
    public static string Transpose(this GraphBuilder g, string x, params long[] perm) => g.Node("Transpose", [x], Attr.Ints("perm", perm));
    public static string Concat(this GraphBuilder g, long axis, params string[] inputs) => g.Node("Concat", inputs, Attr.Int("axis", axis));
    public static string Gather(this GraphBuilder g, string data, string indices, long axis = 0) => g.Node("Gather", [data, indices], Attr.Int("axis", axis));

    public static string ReduceMean(this GraphBuilder g, string x, long axis) =>
        g.Node("ReduceMean", [x], Attr.Ints("axes", axis), Attr.Int("keepdims", 1));

    /// <summary>Sum over one axis, kept as a size-1 dimension (opset 13+: axes is an input).</summary>
    public static string ReduceSum(this GraphBuilder g, string x, long axis) =>
        g.Node("ReduceSum", [x, g.Int64s(axis)], Attr.Int("keepdims", 1));

    /// <summary>Size of one dimension of x as an int64 scalar (what Range needs).</summary>
    public static string DimSize(this GraphBuilder g, string x, long axis) =>
        g.Gather(g.Node("Shape", [x]), g.ScalarInt64(axis));

    public static string LayerNorm(this GraphBuilder g, string x, string scale, string bias) =>
        g.Node("LayerNormalization", [x, scale, bias], Attr.Int("axis", -1), Attr.Float("epsilon", 1e-5f));

    public static string Conv(this GraphBuilder g, string x, string weight, string bias, int kernel, int stride, int padding) =>
        g.Node("Conv", [x, weight, bias],
            Attr.Ints("kernel_shape", kernel, kernel),
            Attr.Ints("strides", stride, stride),
            Attr.Ints("pads", padding, padding, padding, padding));

    public static string OneHot(this GraphBuilder g, string indices, string depth, string offOnValues) =>
        g.Node("OneHot", [indices, depth, offOnValues], Attr.Int("axis", -1));
}
