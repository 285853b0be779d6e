using Florence2.Batching;
using Florence2.Inference;
using Microsoft.Extensions.Options;

namespace Florence2.Service.Configuration;

/// <summary>Binds every options class from configuration (env: <c>Florence2__Section__Key</c>) and validates it at start.</summary>
public static class OptionsRegistration
{
    public static WebApplicationBuilder AddFlorence2Options(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ServiceOptions>().BindConfiguration(ServiceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BatchingOptions>().BindConfiguration(BatchingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BatchingOptions>, BatchingOptionsValidator>();
        services.AddOptions<InferenceOptions>().BindConfiguration("Florence2:Inference")
            .Validate(o => o.Instances is >= 1 and <= 64, "Florence2:Inference:Instances must be between 1 and 64.")
            .Validate(o => o.IntraOpThreads >= 0 && o.InterOpThreads >= 0, "Florence2:Inference thread counts must be 0 (default) or positive.")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>Reports each batching option problem with its own message, naming the configuration key.</summary>
    private sealed class BatchingOptionsValidator : IValidateOptions<BatchingOptions>
    {
        public ValidateOptionsResult Validate(string? name, BatchingOptions options)
        {
            // The batcher's messages start with the property name; operators set the full key (or its env spelling).
            var errors = options.Validate();
            return errors.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(errors.Select(error => $"{BatchingOptions.SectionName}:{error}"));
        }
    }
}
