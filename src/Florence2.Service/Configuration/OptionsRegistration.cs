using Florence2.Batching;
using Florence2.Inference;
using Florence2.Inference.VisionCache;
using Florence2.Provisioning;
using Microsoft.Extensions.Options;

namespace Florence2.Service.Configuration;

/// <summary>Binds every options class from configuration (env: <c>Florence2__Section__Key</c>) and validates it at start.</summary>
public static class OptionsRegistration
{
    public static WebApplicationBuilder AddFlorence2Options(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.Section).ValidateOnStart();
        services.AddOptions<ModelSourceOptions>().BindConfiguration(ModelSourceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModelSourceOptions>>(
            new SectionValidator<ModelSourceOptions>(ModelSourceOptions.SectionName, o => o.Validate()));
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateDataAnnotations()
            // Data annotations do not reach nested objects; the rate limit is checked here.
            .Validate(o => o.RateLimit.Burst >= 1, "Florence2:Security:RateLimit:Burst must be at least 1.")
            .Validate(o => o.RateLimit.PermitsPerSecond >= 0, "Florence2:Security:RateLimit:PermitsPerSecond must be 0 (off) or more.")
            .ValidateOnStart();
        services.AddOptions<ServiceOptions>().BindConfiguration(ServiceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BatchingOptions>().BindConfiguration(BatchingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BatchingOptions>>(
            new SectionValidator<BatchingOptions>(BatchingOptions.SectionName, o => o.Validate()));
        services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CacheOptions>>(
            new SectionValidator<CacheOptions>(CacheOptions.SectionName, o => o.Validate()));
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName)
            .Validate(o => o.Instances is >= 1 and <= 64, "Florence2:Inference:Instances must be between 1 and 64.")
            .Validate(o => o.IntraOpThreads >= 0 && o.InterOpThreads >= 0, "Florence2:Inference thread counts must be 0 (default) or positive.")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// Reports each problem a self-validating options class finds with its own message, naming the full configuration
    /// key: the classes' messages start with the property name, while operators set the key (or its env spelling).
    /// </summary>
    private sealed class SectionValidator<TOptions>(string section, Func<TOptions, IReadOnlyList<string>> validate)
        : IValidateOptions<TOptions> where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var errors = validate(options);
            return errors.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(errors.Select(error =>
                    error.StartsWith(section + ":", StringComparison.Ordinal) ? error : $"{section}:{error}"));
        }
    }
}
