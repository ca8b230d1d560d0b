package vigilsampling

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// strategies is one answer of the operator, in the form of Jaeger's strategies file (the subset Vigil serves:
// probabilistic strategies per service, and optionally a default for the services it names none for).
type strategies struct {
	// byService is the probability each service keeps a trace with.
	byService map[string]float64
	// fallback is the probability for other services; hasFallback false: they get none (NOT_FOUND), and their SDK
	// keeps sampling as it was configured.
	fallback    float64
	hasFallback bool
}

type strategyDoc struct {
	Type  string   `json:"type"`
	Param *float64 `json:"param"`
}

type strategiesDoc struct {
	ServiceStrategies []struct {
		Service string `json:"service"`
		strategyDoc
	} `json:"service_strategies"`
	DefaultStrategy *strategyDoc `json:"default_strategy"`
}

// parseStrategies reads an answer; anything but probabilistic strategies with a probability in [0, 1] is refused
// whole (the extension keeps what it serves).
func parseStrategies(body []byte) (*strategies, error) {
	var doc strategiesDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("the strategies are not JSON: %w", err)
	}
	s := &strategies{byService: map[string]float64{}}
	for _, st := range doc.ServiceStrategies {
		if st.Service == "" {
			return nil, errors.New("a service strategy without a service")
		}
		p, err := probability(st.strategyDoc)
		if err != nil {
			return nil, fmt.Errorf("service %q: %w", st.Service, err)
		}
		s.byService[st.Service] = p
	}
	if doc.DefaultStrategy != nil {
		p, err := probability(*doc.DefaultStrategy)
		if err != nil {
			return nil, fmt.Errorf("default strategy: %w", err)
		}
		s.fallback, s.hasFallback = p, true
	}
	return s, nil
}

func probability(d strategyDoc) (float64, error) {
	if d.Type != "probabilistic" {
		return 0, fmt.Errorf("strategy type %q: only probabilistic is served", d.Type)
	}
	if d.Param == nil || math.IsNaN(*d.Param) || *d.Param < 0 || *d.Param > 1 {
		return 0, errors.New("a probabilistic strategy needs param between 0 and 1")
	}
	return *d.Param, nil
}

// lookup is the probability for service, if the strategies name one for it (or a default).
func (s *strategies) lookup(service string) (float64, bool) {
	if s == nil {
		return 0, false
	}
	if p, ok := s.byService[service]; ok {
		return p, true
	}
	return s.fallback, s.hasFallback
}
