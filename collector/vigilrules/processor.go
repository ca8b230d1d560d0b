// Package vigilrules is a logs processor compiled into Vigil's collector distribution. It runs the log parsing
// rules (stanza operators, as a filelog receiver would) that the Vigil operator serves an agent fleet, and swaps
// them in place when the operator serves new ones: it polls the operator with If-None-Match and, on a new answer,
// builds the new rules' operators beside the running ones and switches between two batches. Nothing restarts: not
// the process, not the filelog receiver that reads the files (so no batch is read twice), not this processor.
//
// What it never does is drop its rules on an error: an unreachable or failing operator, or an answer that does
// not build, leaves the current rules running. An agent that starts without the operator runs the copy of the
// last rules kept on its node (cache_dir), else none (records pass unchanged).
//
// It counts the records each rule's operators failed on (failures.go) and reports the counts to the operator
// with every poll.
package vigilrules

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/adapter"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/entry"
)

type rulesProcessor struct {
	logger  *zap.Logger
	next    consumer.Logs
	cfg     *Config
	fetcher *fetcher
	opsSet  component.TelemetrySettings // the rules' operators' settings: their logger counts failures
	sink    *sink
	counts  *failureCounts

	mu       sync.RWMutex // held for reading while a batch runs, for writing to swap the rules
	current  *ruleSet     // nil: no rules
	body     []byte       // the answer current was built from (nil before the first)
	rejected []byte       // the last answer that did not build (not tried again)
	etag     string
	started  bool

	lateMu sync.Mutex
	late   []*entry.Entry // emitted outside a ConsumeLogs call, forwarded by the background loop

	swaps atomic.Int64 // rule sets swapped in, since start

	stanzaOnly bool // tests and benchmarks: every record through the stanza operators (no fast path)

	stop chan struct{}
	done chan struct{}
}

func newRulesProcessor(set component.TelemetrySettings, cfg *Config, next consumer.Logs) *rulesProcessor {
	p := &rulesProcessor{
		logger:  set.Logger,
		next:    next,
		cfg:     cfg,
		fetcher: newFetcher(cfg),
		counts:  newFailureCounts(),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	p.opsSet = set
	p.opsSet.Logger = zap.New(newCountingCore(set.Logger.Core(), p.counts))
	p.sink = &sink{logger: set.Logger, late: p.addLate}
	return p
}

func (p *rulesProcessor) Capabilities() consumer.Capabilities {
	// The fast path parses records in place.
	return consumer.Capabilities{MutatesData: true}
}

// Start takes the operator's rules if it answers now, else the node's copy, and never fails for want of either.
func (p *rulesProcessor) Start(ctx context.Context, _ component.Host) error {
	s, err := p.fetcher.fetch(ctx, "", "")
	if err == nil && p.apply(s, "the operator") {
		// running the operator's rules
	} else if body, ok := p.fetcher.saved(); ok {
		p.logger.Warn("no usable answer from the Vigil operator at start, running the node's copy of the last rules", zap.Error(err))
		p.apply(served{body: body}, "the node's copy")
	} else {
		p.logger.Warn("no usable answer from the Vigil operator at start and no copy on the node: no rules until it answers", zap.Error(err))
	}
	p.mu.Lock()
	p.started = true
	p.mu.Unlock()
	go p.loop()
	return nil
}

func (p *rulesProcessor) Shutdown(ctx context.Context) error {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	p.mu.RLock()
	started := p.started
	p.mu.RUnlock()
	if started {
		select {
		case <-p.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	p.mu.Lock()
	old := p.current
	p.current = nil
	p.mu.Unlock()
	// Stopping flushes what the operators still hold (a multiline record in the making) into late.
	err := old.stop()
	return errors.Join(err, p.forwardLate(ctx))
}

// apply builds s and swaps it in, or keeps the current rules if it does not build. Returns whether it swapped.
func (p *rulesProcessor) apply(s served, from string) bool {
	next, err := buildRuleSet(s.body, p.opsSet, p.sink)
	if err == nil && next != nil && p.stanzaOnly {
		next.fast = nil
	}
	if err != nil {
		p.logger.Error("the served rules do not build; keeping the current rules", zap.String("from", from), zap.Error(err))
		p.mu.Lock()
		p.etag, p.rejected = s.etag, s.body // the same answer would fail again: wait for the next one
		p.mu.Unlock()
		return false
	}
	p.mu.Lock()
	old := p.current
	p.current, p.body, p.etag = next, s.body, s.etag
	p.mu.Unlock()
	if err := old.stop(); err != nil {
		p.logger.Warn("stopping the previous rules", zap.Error(err))
	}
	if from == "the operator" {
		if err := p.fetcher.save(s.body); err != nil {
			p.logger.Warn("cannot keep a copy of the rules on the node", zap.Error(err))
		}
	}
	p.swaps.Add(1)
	p.logger.Info("log rules swapped in place", zap.String("from", from), zap.String("etag", s.etag),
		zap.Int("operators_left_to_stanza", next.leftToStanza()))
	return true
}

// known: the answer is what runs, or what was refused already.
func (p *rulesProcessor) known(body []byte) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return string(body) == string(p.body) || (p.rejected != nil && string(body) == string(p.rejected))
}

// loop polls the operator (±20 % jitter, so the agents of a large cluster do not poll in step) and forwards the
// records the rules emitted on their own.
func (p *rulesProcessor) loop() {
	defer close(p.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-p.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	flush := time.NewTicker(200 * time.Millisecond)
	defer flush.Stop()
	nextPoll := time.After(p.jittered())
	failures := 0
	for {
		select {
		case <-p.stop:
			return
		case <-flush.C:
			if err := p.forwardLate(ctx); err != nil {
				p.logger.Warn("forwarding flushed records", zap.Error(err))
			}
		case <-nextPoll:
			nextPoll = time.After(p.jittered())
			p.mu.RLock()
			etag := p.etag
			p.mu.RUnlock()
			s, err := p.fetcher.fetch(ctx, etag, p.counts.report())
			switch {
			case errors.Is(err, errNotModified):
				failures = 0
			case err != nil:
				failures++
				if failures == 1 || failures%30 == 0 {
					p.logger.Warn("polling the Vigil operator failed; keeping the current rules",
						zap.Int("failures", failures), zap.Error(err))
				}
			default:
				failures = 0
				if p.known(s.body) {
					p.mu.Lock()
					p.etag = s.etag
					p.mu.Unlock()
					continue
				}
				p.apply(s, "the operator")
			}
		}
	}
}

func (p *rulesProcessor) jittered() time.Duration {
	return p.cfg.NextPoll()
}

// ConsumeLogs runs the batch through the current rules, all of it through the same generation: in place on the
// fast path (fast.go), through the stanza operators for what it leaves to them.
func (p *rulesProcessor) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	p.mu.RLock()
	rules := p.current
	if rules == nil {
		p.mu.RUnlock()
		return p.next.ConsumeLogs(ctx, ld)
	}
	b := &batch{}
	rules.run(context.WithValue(ctx, batchKey{}, b), ld, p.counts)
	p.mu.RUnlock()
	if len(b.entries) > 0 {
		adapter.ConvertEntries(b.entries, "", "").ResourceLogs().MoveAndAppendTo(ld.ResourceLogs())
	}
	if ld.LogRecordCount() == 0 {
		return nil
	}
	return p.next.ConsumeLogs(ctx, ld)
}

func (p *rulesProcessor) addLate(e *entry.Entry) {
	p.lateMu.Lock()
	p.late = append(p.late, e)
	p.lateMu.Unlock()
}

func (p *rulesProcessor) forwardLate(ctx context.Context) error {
	p.lateMu.Lock()
	late := p.late
	p.late = nil
	p.lateMu.Unlock()
	if len(late) == 0 {
		return nil
	}
	return p.next.ConsumeLogs(ctx, adapter.ConvertEntries(late, "", ""))
}
