package vigildetect

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
)

const typeStr = "vigildetect"

var capabilities = consumer.Capabilities{MutatesData: true}

// NewFactory returns the factory the Collector Builder registers as the processor "vigildetect". One detection
// per processor instance, at start; each pipeline's instance detects on its own (they agree: same sources).
func NewFactory() processor.Factory {
	return processor.NewFactory(component.MustNewType(typeStr),
		func() component.Config { return createDefaultConfig() },
		processor.WithLogs(createLogs, component.StabilityLevelDevelopment),
		processor.WithMetrics(createMetrics, component.StabilityLevelDevelopment),
		processor.WithTraces(createTraces, component.StabilityLevelDevelopment))
}

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	d := newDetection(set.TelemetrySettings, cfg.(*Config))
	return processorhelper.NewLogs(ctx, set, cfg, next, d.processLogs,
		processorhelper.WithCapabilities(capabilities), processorhelper.WithStart(d.start))
}

func createMetrics(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	d := newDetection(set.TelemetrySettings, cfg.(*Config))
	return processorhelper.NewMetrics(ctx, set, cfg, next, d.processMetrics,
		processorhelper.WithCapabilities(capabilities), processorhelper.WithStart(d.start))
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	d := newDetection(set.TelemetrySettings, cfg.(*Config))
	return processorhelper.NewTraces(ctx, set, cfg, next, d.processTraces,
		processorhelper.WithCapabilities(capabilities), processorhelper.WithStart(d.start))
}
