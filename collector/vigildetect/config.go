package vigildetect // import "vigil.dev/collector/vigildetect"

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// The detectors this processor knows, each reading one source of resource attributes.
const (
	DetectorEC2    = "ec2"    // Amazon EC2's instance metadata service (IMDSv2, then v1)
	DetectorAzure  = "azure"  // Azure's instance metadata service
	DetectorGCP    = "gcp"    // Google Compute Engine's metadata server
	DetectorSystem = "system" // the process's host: host.name, os.type, host.arch
	DetectorEnv    = "env"    // OTEL_RESOURCE_ATTRIBUTES
)

// MaxTimeout bounds how long a collector may wait for its metadata at start.
const MaxTimeout = 30 * time.Second

// Config is the processor's configuration: which detectors to run, for how long at most, and the group's own
// attributes.
type Config struct {
	// Detectors run concurrently at start; where two find the same attribute, the one listed first wins.
	Detectors []string `mapstructure:"detectors"`
	// Timeout bounds the whole detection at start (every detector together). A detector that has not answered by
	// then is skipped: the collector starts without its attributes rather than waiting or failing.
	Timeout time.Duration `mapstructure:"timeout"`
	// Override lets detected attributes replace ones a record's resource already has (default: keep the record's).
	Override bool `mapstructure:"override"`
	// Attributes are set on every resource after detection, replacing detected ones of the same key (a node
	// group's own attributes).
	Attributes map[string]string `mapstructure:"attributes"`
	// HostName is the system detector's host.name (e.g. the node's name from the downward API); empty: the
	// process's hostname.
	HostName string `mapstructure:"host_name"`

	EC2   EndpointConfig `mapstructure:"ec2"`
	Azure EndpointConfig `mapstructure:"azure"`
	GCP   EndpointConfig `mapstructure:"gcp"`
}

// EndpointConfig is where a cloud detector reads its metadata (its well-known address unless set, e.g. to a
// proxy or a test's stand-in).
type EndpointConfig struct {
	Endpoint string `mapstructure:"endpoint"`
}

const (
	defaultEC2Endpoint   = "http://169.254.169.254"
	defaultAzureEndpoint = "http://169.254.169.254"
	defaultGCPEndpoint   = "http://metadata.google.internal"
)

func createDefaultConfig() *Config {
	return &Config{
		Detectors: []string{DetectorEnv, DetectorSystem},
		Timeout:   2 * time.Second,
		EC2:       EndpointConfig{Endpoint: defaultEC2Endpoint},
		Azure:     EndpointConfig{Endpoint: defaultAzureEndpoint},
		GCP:       EndpointConfig{Endpoint: defaultGCPEndpoint},
	}
}

// Validate refuses unknown or repeated detectors, an unbounded timeout and endpoints that are not http(s) URLs.
func (c *Config) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for _, d := range c.Detectors {
		switch d {
		case DetectorEC2, DetectorAzure, DetectorGCP, DetectorSystem, DetectorEnv:
		default:
			errs = append(errs, fmt.Errorf("detectors: unknown detector %q (known: ec2, azure, gcp, system, env)", d))
		}
		if seen[d] {
			errs = append(errs, fmt.Errorf("detectors: %q is listed twice", d))
		}
		seen[d] = true
	}
	if c.Timeout <= 0 || c.Timeout > MaxTimeout {
		errs = append(errs, fmt.Errorf("timeout: must be more than 0 and at most %s, not %s", MaxTimeout, c.Timeout))
	}
	for name, e := range map[string]string{"ec2": c.EC2.Endpoint, "azure": c.Azure.Endpoint, "gcp": c.GCP.Endpoint} {
		u, err := url.Parse(e)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s.endpoint: must be an http(s) URL, not %q", name, e))
		}
	}
	for k := range c.Attributes {
		if k == "" {
			errs = append(errs, errors.New("attributes: a key must not be empty"))
		}
	}
	return errors.Join(errs...)
}
