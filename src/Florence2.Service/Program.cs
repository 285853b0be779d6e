using Florence2.Service.Api;
using Florence2.Service.Problems;
using Florence2.Service.Configuration;
using Florence2.Service.Observability;
using Florence2.Service.OpenApi;
using Florence2.Service.Playground;
using Florence2.Service.Runtime;
using Florence2.Service.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddFlorence2Options();
builder.AddFlorence2Json();
builder.AddFlorence2Observability();
builder.AddFlorence2Security();
builder.AddFlorence2Problems();
builder.AddFlorence2Model();
builder.AddFlorence2TaskApi();
builder.AddFlorence2OpenApi();

var app = builder.Build();

app.UseFlorence2Problems();
app.UseFlorence2Security();
app.UseFlorence2RequestLogging();
app.UseFlorence2OpenApi();

app.MapHealthApi();
app.MapMetricsApi();
app.MapModelApi();
app.MapTasksApi();
app.MapDetectApi();
app.MapCaptionApi();
app.MapOcrApi();
app.MapSegmentApi();
app.MapAnalyzeApi();
app.MapPlaygroundApi();

return app.RunUntilShutdown();

/// <summary>Entry point; public so integration tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
