package vigilrules // import "vigil.dev/collector/vigilrules"

import (
	"errors"
	"time"

	"vigil.dev/collector/operatorpoll"
)

// Config is the processor's configuration: where the operator serves the fleet's rules, and how to ask.
type Config struct {
	// Endpoint is the operator's URL of this fleet's log rules (GET /logs/v1/<namespace>/<fleet>).
	Endpoint string `mapstructure:"endpoint"`
	// PollInterval is how often the endpoint is asked (±20 % jitter); the answer is a 304 while nothing changed.
	PollInterval time.Duration `mapstructure:"poll_interval"`
	// TokenFile is the bearer token sent with every request, read anew each time (projected tokens rotate).
	// Empty: no token.
	TokenFile string `mapstructure:"token_file"`
	// CacheDir keeps a copy of the last rules the operator served (a hostPath on an agent's node), so an agent
	// that starts while the operator is unreachable runs its node's last rules rather than none. Empty: no copy.
	CacheDir string `mapstructure:"cache_dir"`
	// Agent names this agent in its parse-failure reports (the node's name: one agent per node and fleet), so the
	// operator can tell the reports of different agents apart.
	Agent string `mapstructure:"agent"`
}

func createDefaultConfig() *Config {
	return &Config{PollInterval: 2 * time.Second, TokenFile: operatorpoll.DefaultTokenFile}
}

// Validate refuses what would make the processor useless rather than failing later.
func (c *Config) Validate() error {
	if err := operatorpoll.ValidURL(c.Endpoint, "the Vigil operator's log rules"); err != nil {
		return err
	}
	if c.PollInterval < 100*time.Millisecond {
		return errors.New("poll_interval must be at least 100ms")
	}
	return nil
}
