package vigilrules // import "vigil.dev/collector/vigilrules"

import (
	"vigil.dev/collector/operatorpoll"
)

// Config is the processor's configuration: where the operator serves the fleet's rules, and how to ask.
type Config struct {
	// The operator's URL of this fleet's log rules (endpoint: GET /logs/v1/<namespace>/<fleet>), poll_interval and
	// token_file.
	operatorpoll.ClientConfig `mapstructure:",squash"`
	// CacheDir keeps a copy of the last rules the operator served (a hostPath on an agent's node), so an agent
	// that starts while the operator is unreachable runs its node's last rules rather than none. Empty: no copy.
	CacheDir string `mapstructure:"cache_dir"`
	// Agent names this agent in its parse-failure reports (the node's name: one agent per node and fleet), so the
	// operator can tell the reports of different agents apart.
	Agent string `mapstructure:"agent"`
}

func createDefaultConfig() *Config {
	return &Config{ClientConfig: operatorpoll.DefaultClientConfig()}
}

// Validate refuses what would make the processor useless rather than failing later.
func (c *Config) Validate() error {
	return c.ClientConfig.Validate("the Vigil operator's log rules")
}
