package vigilrules

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
)

const typeStr = "vigilrules"

// NewFactory returns the factory the Collector Builder registers as the processor "vigilrules".
func NewFactory() processor.Factory {
	return processor.NewFactory(component.MustNewType(typeStr),
		func() component.Config { return createDefaultConfig() },
		processor.WithLogs(createLogs, component.StabilityLevelDevelopment))
}

func createLogs(_ context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	return newRulesProcessor(set.TelemetrySettings, cfg.(*Config), next), nil
}
