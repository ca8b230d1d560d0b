package vigilrules

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
	"go.yaml.in/yaml/v3"

	// The operators the filelog receiver knows (parsers, router, recombine, add, move, remove, ...).
	_ "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/adapter"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/entry"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/pipeline"
)

// ruleSet is one generation of served rules, built into a running pipeline of stanza operators (the same operators,
// with the same semantics, as a filelog receiver's): records enter at head and leave through a sink.
type ruleSet struct {
	pipeline *pipeline.DirectedPipeline
	head     operator.Operator
	fast     *fastPath // the same operators read for the fast path (fast.go)
}

// buildRuleSet parses the operator's answer (a YAML or JSON list of stanza operator configs) and starts their
// pipeline, ending in sink. An empty list is a valid answer: no rules, records pass unchanged (nil ruleSet).
func buildRuleSet(body []byte, set component.TelemetrySettings, sink operator.Operator) (*ruleSet, error) {
	var list []any
	if err := yaml.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("the rules are not a YAML list: %w", err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	var cfg struct {
		Operators []operator.Config `mapstructure:"operators"`
	}
	if err := confmap.NewFromStringMap(map[string]any{"operators": list}).Unmarshal(&cfg); err != nil {
		return nil, fmt.Errorf("the rules are not stanza operators: %w", err)
	}
	headID := cfg.Operators[0].ID()
	p, err := pipeline.Config{Operators: cfg.Operators, DefaultOutput: sink}.Build(set)
	if err != nil {
		return nil, fmt.Errorf("building the rules' operators: %w", err)
	}
	byID := map[string]operator.Operator{}
	for _, op := range p.Operators() {
		byID[op.ID()] = op
	}
	head := byID[headID]
	if head == nil {
		return nil, fmt.Errorf("the rules' first operator %q is not in their pipeline", headID)
	}
	if err := p.Start(noPersister{}); err != nil {
		return nil, fmt.Errorf("starting the rules' operators: %w", err)
	}
	return &ruleSet{pipeline: p, head: head, fast: newFastPath(cfg.Operators, byID, headID, set)}, nil
}

func (r *ruleSet) stop() error {
	if r == nil {
		return nil
	}
	return r.pipeline.Stop()
}

// noPersister: the rule operators keep no state across restarts (only filelog's offsets matter, and filelog has
// its own storage).
type noPersister struct{}

func (noPersister) Get(context.Context, string) ([]byte, error)        { return nil, nil }
func (noPersister) Set(context.Context, string, []byte) error          { return nil }
func (noPersister) Delete(context.Context, string) error               { return nil }
func (noPersister) Batch(context.Context, ...*storage.Operation) error { return nil }

// batchKey marks a ConsumeLogs call's context: what the pipeline emits while it runs goes back to that call.
type batchKey struct{}

type batch struct{ entries []*entry.Entry }

// sink is the pipeline's last operator. An entry emitted inside a ConsumeLogs call (its context carries the
// call's batch) is returned by that call; one emitted later on its own (a multiline record flushed by its timer)
// goes to late, which the processor forwards in the background.
type sink struct {
	logger *zap.Logger
	late   func(*entry.Entry)
}

const sinkID = "vigil-rules-out"

func (*sink) ID() string                     { return sinkID }
func (*sink) Type() string                   { return "vigil_rules_out" }
func (*sink) Start(operator.Persister) error { return nil }
func (*sink) Stop() error                    { return nil }
func (*sink) CanOutput() bool                { return false }
func (*sink) Outputs() []operator.Operator   { return nil }
func (*sink) GetOutputIDs() []string         { return nil }
func (*sink) SetOutputs([]operator.Operator) error {
	return errors.New("the rules' sink has no outputs")
}
func (*sink) SetOutputIDs([]string) {}
func (*sink) CanProcess() bool      { return true }
func (s *sink) Logger() *zap.Logger { return s.logger }

func (s *sink) Process(ctx context.Context, e *entry.Entry) error {
	if b, ok := ctx.Value(batchKey{}).(*batch); ok {
		b.entries = append(b.entries, e)
		return nil
	}
	s.late(e)
	return nil
}

func (s *sink) ProcessBatch(ctx context.Context, es []*entry.Entry) error {
	for _, e := range es {
		_ = s.Process(ctx, e)
	}
	return nil
}

// toEntry turns a record into a stanza entry, as filelog's operators would have seen it.
func toEntry(res pcommon.Resource, scope pcommon.InstrumentationScope, r plog.LogRecord) *entry.Entry {
	e := &entry.Entry{
		Resource:     res.Attributes().AsRaw(),
		ScopeName:    scope.Name(),
		Attributes:   r.Attributes().AsRaw(),
		Body:         r.Body().AsRaw(),
		Severity:     entry.Severity(r.SeverityNumber()),
		SeverityText: r.SeverityText(),
	}
	if r.Timestamp() != 0 {
		e.Timestamp = r.Timestamp().AsTime()
	}
	if r.ObservedTimestamp() != 0 {
		e.ObservedTimestamp = r.ObservedTimestamp().AsTime()
	} else {
		e.ObservedTimestamp = time.Now()
	}
	if id := r.TraceID(); !id.IsEmpty() {
		e.TraceID = append([]byte(nil), id[:]...)
	}
	if id := r.SpanID(); !id.IsEmpty() {
		e.SpanID = append([]byte(nil), id[:]...)
	}
	if f := r.Flags(); f != 0 {
		e.TraceFlags = []byte{byte(f)}
	}
	return e
}
