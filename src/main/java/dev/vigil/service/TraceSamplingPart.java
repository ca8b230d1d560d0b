package dev.vigil.service;

import dev.vigil.api.v1alpha1.TracesSpec;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.status.Reasons;

/**
 * {@code spec.traces.sampling} is accepted by the schema but not yet delivered to the app's SDK: rather than a
 * silent promise, the service says so in a TraceSampling=False condition (absent without a sampling section). Ready
 * is not affected: the app keeps sampling as its own OpenTelemetry settings say.
 */
final class TraceSamplingPart implements Part<ServiceContext> {
    @Override
    public PartOutcome plan(ServiceContext ctx) {
        TracesSpec traces = ctx.service().getSpec().traces;
        if (traces == null || traces.sampling == null) {
            return PartOutcome.NONE;
        }
        ctx.conditions().set(Reasons.TRACE_SAMPLING, false, Reasons.SAMPLING_NOT_APPLIED, "spec.traces.sampling ("
                + describe(traces.sampling) + ") is not applied yet: this version of Vigil delivers no sampling "
                + "strategy to the app's SDK, so the app samples as its own OpenTelemetry settings say "
                + "(OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG)");
        return PartOutcome.NONE;
    }

    static String describe(TracesSpec.Sampling s) {
        return s.mode == TracesSpec.Sampling.Mode.adaptive
                ? "adaptive, about " + s.targetSpansPerSecond + " spans/s" + (s.ratio == null ? "" : ", starting at " + s.ratio)
                : "fixed, ratio " + s.ratio;
    }
}
