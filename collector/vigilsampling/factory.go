package vigilsampling

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
)

const typeStr = "vigilsampling"

// NewFactory returns the factory the Collector Builder registers as the extension "vigilsampling".
func NewFactory() extension.Factory {
	return extension.NewFactory(component.MustNewType(typeStr),
		func() component.Config { return createDefaultConfig() },
		func(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
			return newExtension(set.TelemetrySettings, cfg.(*Config)), nil
		}, component.StabilityLevelDevelopment)
}
