package vigilrules

import (
	"context"
	"fmt"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
)

// The processor's own cost per record: no rules (records handed on), and a rule like bench/logs-throughput.py's
// (key=value, severity, epoch time, trace context, a drop) on the fast path and, for comparison in the same run, all
// through stanza's operators (the records converted to entries and back), as before the fast path.
// go test -run '^$' -bench . -benchmem -benchtime 2000x (docs/benchmarks.md)
func BenchmarkConsume(b *testing.B) {
	rule := `
- {type: router, id: lpr/bench/r0/route, routes: [{expr: 'resource["k8s.namespace.name"] == "shop" and resource["k8s.pod.name"] matches "^web-"', output: lpr/bench/r0/step-1}], default: end-of-rules}
- {type: key_value_parser, id: lpr/bench/r0/step-1, parse_from: body, on_error: send_quiet}
- {type: severity_parser, id: lpr/bench/r0/step-2, parse_from: attributes.level, on_error: send_quiet}
- {type: time_parser, id: lpr/bench/r0/step-3, parse_from: attributes.ts, layout_type: epoch, layout: s.ms, on_error: send_quiet}
- {type: trace_parser, id: lpr/bench/r0/step-4, trace_id: {parse_from: attributes.trace_id}, span_id: {parse_from: attributes.span_id}, on_error: send_quiet}
- {type: remove, id: lpr/bench/r0/drop-ts, field: attributes.ts, output: end-of-rules}
- {type: noop, id: end-of-rules}
`
	perRecord := map[string]float64{}
	for _, c := range []struct {
		name, body string
		stanzaOnly bool
	}{
		{"no-rules", "[]", false},
		{"one-rule-stanza", rule, true},
		{"one-rule", rule, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			srv := newOperatorServer(b, c.body)
			cfg := createDefaultConfig()
			cfg.Endpoint, cfg.TokenFile = srv.srv.URL, ""
			set := componenttest.NewNopTelemetrySettings()
			set.Logger = zap.NewNop()
			p := newRulesProcessor(set, cfg, consumertest.NewNop())
			p.stanzaOnly = c.stanzaOnly
			if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
				b.Fatal(err)
			}
			defer func() { _ = p.Shutdown(context.Background()) }()
			bodies := make([]string, 100)
			for i := range bodies {
				bodies[i] = fmt.Sprintf(`ts=1764842400.%03d level=warn trace_id=%032x span_id=%016x msg="order placed" user=u%d path=/checkout/cart pad=xxxxxxxxxxxxxxxxxxxx`, i, i, i, i)
			}
			batches := make([]plog.Logs, 64)
			for i := range batches {
				batches[i] = lines("web-1", bodies...)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				// The processor parses in place: each round gets a fresh copy, made outside the timing.
				b.StopTimer()
				ld := plog.NewLogs()
				batches[i%len(batches)].CopyTo(ld)
				b.StartTimer()
				if err := p.ConsumeLogs(context.Background(), ld); err != nil {
					b.Fatal(err)
				}
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N*100)
			perRecord[c.name] = ns
			b.ReportMetric(ns, "ns/record")
			// The ratio to the same rule through stanza's operators, measured in this run.
			if base, ok := perRecord["one-rule-stanza"]; ok && c.name == "one-rule" {
				b.ReportMetric(ns/base, "x-stanza")
			}
		})
	}
}
