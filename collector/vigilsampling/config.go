package vigilsampling // import "vigil.dev/collector/vigilsampling"

import (
	"errors"
	"net"
	"time"

	"vigil.dev/collector/operatorpoll"
)

// Config is the extension's configuration: where the operator serves the fleet's sampling strategies, how to ask,
// and where the apps' SDKs ask this collector.
type Config struct {
	// Endpoint is the operator's URL of this fleet's strategies (GET /sampling/v1/<namespace>/<fleet>).
	Endpoint string `mapstructure:"endpoint"`
	// PollInterval is how often the endpoint is asked (±20 % jitter); the answer is a 304 while nothing changed.
	PollInterval time.Duration `mapstructure:"poll_interval"`
	// TokenFile is the bearer token sent with every request, read anew each time. Empty: no token.
	TokenFile string `mapstructure:"token_file"`
	// GRPC is where the Jaeger remote sampling gRPC service (jaeger.api_v2.SamplingManager) listens: what the
	// OpenTelemetry Java SDK's jaeger_remote sampler calls. Empty: not served.
	GRPC string `mapstructure:"grpc"`
	// HTTP is where the Jaeger remote sampling HTTP endpoint (GET /sampling?service=) listens: what the Go and
	// other SDKs call. Empty: not served.
	HTTP string `mapstructure:"http"`
}

func createDefaultConfig() *Config {
	return &Config{PollInterval: 2 * time.Second, TokenFile: operatorpoll.DefaultTokenFile,
		GRPC: "0.0.0.0:14250", HTTP: "0.0.0.0:5778"}
}

// Validate refuses what would make the extension useless rather than failing later.
func (c *Config) Validate() error {
	if err := operatorpoll.ValidURL(c.Endpoint, "the Vigil operator's sampling strategies"); err != nil {
		return err
	}
	if c.PollInterval < 100*time.Millisecond {
		return errors.New("poll_interval must be at least 100ms")
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
