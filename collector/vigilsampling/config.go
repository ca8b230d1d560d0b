package vigilsampling // import "vigil.dev/collector/vigilsampling"

import (
	"errors"
	"net"

	"vigil.dev/collector/operatorpoll"
)

// Config is the extension's configuration: where the operator serves the fleet's sampling strategies, how to ask,
// and where the apps' SDKs ask this collector.
type Config struct {
	// The operator's URL of this fleet's strategies (endpoint: GET /sampling/v1/<namespace>/<fleet>),
	// poll_interval and token_file.
	operatorpoll.ClientConfig `mapstructure:",squash"`
	// GRPC is where the Jaeger remote sampling gRPC service (jaeger.api_v2.SamplingManager) listens: what the
	// OpenTelemetry Java SDK's jaeger_remote sampler calls. Empty: not served.
	GRPC string `mapstructure:"grpc"`
	// HTTP is where the Jaeger remote sampling HTTP endpoint (GET /sampling?service=) listens: what the Go and
	// other SDKs call. Empty: not served.
	HTTP string `mapstructure:"http"`
}

func createDefaultConfig() *Config {
	return &Config{ClientConfig: operatorpoll.DefaultClientConfig(), GRPC: "0.0.0.0:14250", HTTP: "0.0.0.0:5778"}
}

// Validate refuses what would make the extension useless rather than failing later.
func (c *Config) Validate() error {
	if err := c.ClientConfig.Validate("the Vigil operator's sampling strategies"); err != nil {
		return err
	}
	if c.GRPC == "" && c.HTTP == "" {
		return errors.New("grpc and http are both empty: the strategies would be served nowhere")
	}
	for _, addr := range []string{c.GRPC, c.HTTP} {
		if addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return errors.New("grpc and http must be host:port addresses")
		}
	}
	return nil
}
