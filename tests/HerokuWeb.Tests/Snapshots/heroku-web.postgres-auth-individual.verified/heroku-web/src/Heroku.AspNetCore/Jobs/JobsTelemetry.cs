using System.Diagnostics;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.Server;

namespace Heroku.AspNetCore;

/// <summary>
/// A job's trace, from the request that enqueued it to the worker that runs it: enqueueing makes a producer span and
/// stores its W3C trace context with the job; the worker's consumer span continues that trace, and the job's own
/// spans (PostgreSQL, email) nest under it. A retry continues it too. With telemetry off nothing listens: no span
/// is made and nothing is stored.
/// </summary>
internal sealed class JobsTelemetry : IClientFilter, IServerFilter
{
    /// <summary>The job parameter that carries the enqueuer's W3C <c>traceparent</c>.</summary>
    public const string TraceParent = "traceparent";

    private const string TraceState = "tracestate";
    private const string ActivityItem = "Heroku.AspNetCore.Activity";

    public void OnCreating(CreatingContext context)
    {
        var activity = PlatformTelemetry.Source.StartActivity($"enqueue {Name(context.Job)}", ActivityKind.Producer);
        if (activity is null)
        {
            return;
        }
        activity.SetTag("messaging.system", "hangfire");
        activity.SetTag("messaging.operation.type", "send");
        context.SetJobParameter(TraceParent, activity.Id);
        if (activity.TraceStateString is { } state)
        {
            context.SetJobParameter(TraceState, state);
        }
        context.Items[ActivityItem] = activity;
    }

    public void OnCreated(CreatedContext context)
    {
        if (context.Items.TryGetValue(ActivityItem, out var item) && item is Activity activity)
        {
            activity.SetTag("messaging.message.id", context.BackgroundJob?.Id);
            if (context.Exception is { } exception)
            {
                activity.SetStatus(ActivityStatusCode.Error, exception.GetType().FullName);
            }
            activity.Stop();
        }
    }

    public void OnPerforming(PerformingContext context)
    {
        if (!PlatformTelemetry.Source.HasListeners())
        {
            return;
        }
        // No trace context (enqueued with telemetry off, or by the recurring scheduler): a trace of its own.
        ActivityContext.TryParse(context.GetJobParameter<string?>(TraceParent), context.GetJobParameter<string?>(TraceState), out var parent);
        var activity = PlatformTelemetry.Source.StartActivity($"perform {Name(context.BackgroundJob.Job)}", ActivityKind.Consumer, parent);
        if (activity is null)
        {
            return;
        }
        activity.SetTag("messaging.system", "hangfire");
        activity.SetTag("messaging.operation.type", "process");
        activity.SetTag("messaging.message.id", context.BackgroundJob.Id);
        context.Items[ActivityItem] = activity;
    }

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.TryGetValue(ActivityItem, out var item) && item is Activity activity)
        {
            if (context.Exception is { } exception && !context.ExceptionHandled)
            {
                // The job's own exception, not the wrapper Hangfire adds around it.
                activity.SetStatus(ActivityStatusCode.Error, (exception.InnerException ?? exception).GetType().FullName);
            }
            activity.Stop();
        }
    }

    private static string Name(Job job) => $"{job.Type.Name}.{job.Method.Name}";
}
