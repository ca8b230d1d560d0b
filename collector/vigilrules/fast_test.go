package vigilrules

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
)

// The fast path against stanza's operators: the same generated rules and records through a processor with the fast
// path and one that sends every record through the stanza pipeline must give the same records (as sets: the fast
// path keeps a resource's records together where stanza regroups them) and the same parse-failure counts per rule.
// The rules are shaped like the operator's (routers on the resource, enrichment, parse steps with `if` present
// conditions, renames, drops) with every option the fast path reads, plus forms it leaves to stanza (json_parser, an
// `if` on the body, a router reading attributes), so both the fast steps and the hand-over are compared.

// fixedProcessor runs the rules in body, without an operator to poll.
func fixedProcessor(t testing.TB, body string, stanzaOnly bool) (*rulesProcessor, *consumertest.LogsSink) {
	t.Helper()
	next := new(consumertest.LogsSink)
	set := componenttest.NewNopTelemetrySettings()
	set.Logger = zap.NewNop()
	p := newRulesProcessor(set, createDefaultConfig(), next)
	p.stanzaOnly = stanzaOnly
	if !p.apply(served{body: []byte(body)}, "the test") {
		t.Fatalf("the rules do not build:\n%s", body)
	}
	t.Cleanup(func() { _ = p.current.stop() })
	return p, next
}

// canonical is every record that reached sink, one line each, sorted.
func canonical(sink *consumertest.LogsSink) []string {
	var out []string
	for _, ld := range sink.AllLogs() {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			res := sortedJSON(rl.Resource().Attributes().AsRaw())
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				sl := rl.ScopeLogs().At(j)
				for k := 0; k < sl.LogRecords().Len(); k++ {
					r := sl.LogRecords().At(k)
					out = append(out, fmt.Sprintf("res=%s scope=%q attrs=%s body=%s sev=%d/%q ts=%d obs=%d trace=%s span=%s flags=%d",
						res, sl.Scope().Name(), sortedJSON(r.Attributes().AsRaw()), sortedJSON(r.Body().AsRaw()),
						r.SeverityNumber(), r.SeverityText(), r.Timestamp(), r.ObservedTimestamp(), r.TraceID(), r.SpanID(), r.Flags()))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func sortedJSON(v any) string {
	b, _ := json.Marshal(v) // maps are marshalled with sorted keys
	return string(b)
}

// gen makes random rules and records from one seed.
type gen struct{ r *rand.Rand }

func (g gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g gen) pick2(a, b float64) float64 {
	if g.r.IntN(2) == 0 {
		return a
	}
	return b
}

var (
	namespaces = []string{"shop", "pay"}
	pods       = []string{"web-7c9f5-x2k9q", "web-7c9f5-b4d6z", "api-5d8-qq2xk", "db-0"}
	keys       = []string{"level", "ts", "trace_id", "span_id", "flags", "msg", "user", "lvl", "time"}
)

func (g gen) key() string { return keys[g.r.IntN(len(keys))] }

// value: what an app might print for key, right or wrong.
func (g gen) value(key string) string {
	switch key {
	case "level", "lvl":
		return g.pick("info", "WARN", "Error", "debug", "fatal", "warning", "3", "", "notice", "E")
	case "ts", "time":
		return g.pick("1764842400", "1764842400.123", "1764842400123", "2026-12-04T08:00:00Z",
			"2026-12-04 08:00:00.123", "04/Dec/2026:08:00:00", "x", "", "-62135596800", "-70000000000.5", "1.2.3")
	case "trace_id":
		return g.pick("4bf92f3577b34da6a3ce929d0e0e4736", "4bf92f35", "zz", "4bf92f3577b34da6a3ce929d0e0e473", "",
			"4BF92F3577B34DA6A3CE929D0E0E4736", "4bf92f3577b34da6a3ce929d0e0e47360011")
	case "span_id":
		return g.pick("00f067aa0ba902b7", "00f067aa", "0g", "", "00f067aa0ba902b")
	case "flags":
		return g.pick("01", "00", "1", "ff", "x")
	}
	return g.pick("order placed", "u42", `say "hi"`, `it's`, `a\"b`, "a=b", "", " padded ", "x;y", "é ü", `\`, "k:v")
}

// line: a body, mostly key=value-like with the generator's delimiters, sometimes JSON or noise.
func (g gen) line() string {
	switch g.r.IntN(10) {
	case 0:
		return fmt.Sprintf(`{"level":%q,"msg":%q,"n":%d}`, g.value("level"), g.value("msg"), g.r.IntN(100))
	case 1:
		return g.pick("", " ", "plain text without pairs", `unclosed "quote`, `x='y`, "==", "a=1  b=2", `k="v w"x`)
	}
	delim, pair := g.pick("=", "=", ":", "=>"), g.pick(" ", " ", ",", ", ", "&", ";")
	var b strings.Builder
	for i, n := 0, 1+g.r.IntN(6); i < n; i++ {
		if i > 0 {
			b.WriteString(pair)
		}
		k := g.key()
		v := g.value(k)
		switch g.r.IntN(6) {
		case 0:
			v = `"` + v + `"`
		case 1:
			v = `'` + v + `'`
		case 2:
			k = " " + k
		}
		if g.r.IntN(15) == 0 {
			b.WriteString(k) // a pair without its delimiter
			continue
		}
		b.WriteString(k + delim + v)
	}
	return b.String()
}

func present(key string) string { return fmt.Sprintf(`attributes[%q] != nil`, key) }

// step: one parse step, as the operator writes them (sometimes bare, as a platform team's hand might).
func (g gen) step(id string) map[string]any {
	op := map[string]any{"id": id, "on_error": "send_quiet"}
	from := g.key()
	// Mostly the fields a step of its kind is meant for, sometimes any.
	likely := func(keys ...string) {
		if g.r.IntN(4) > 0 {
			from = g.pick(keys...)
		}
	}
	withFrom := func() {
		if g.r.IntN(2) == 0 {
			op["if"] = present(from)
		}
		op["parse_from"] = fmt.Sprintf("attributes[%q]", from)
	}
	switch g.r.IntN(9) {
	case 0, 1:
		op["type"] = "key_value_parser"
		if g.r.IntN(3) > 0 {
			op["delimiter"] = g.pick("=", ":", "=>")
			op["pair_delimiter"] = g.pick(" ", ",", ", ", "&", ";")
		}
		if g.r.IntN(4) == 0 {
			withFrom()
		}
	case 2:
		op["type"] = "regex_parser"
		op["regex"] = g.pick(`^(?P<lvl>[a-zA-Z]+)\s+(?P<msg>.*)$`, `level=(?P<level>\w+)(?: msg="(?P<msg>[^"]*)")?`,
			`(?P<k>\w+)[:=](?P<v>\S*)`)
	case 3:
		op["type"] = "severity_parser"
		likely("level", "lvl")
		withFrom()
		if g.r.IntN(2) == 0 {
			op["mapping"] = map[string]any{"warn": []any{"warning", "W"}, "error": []any{"E", "err", "3"}, "info": "notice"}
		}
	case 4:
		op["type"] = "time_parser"
		likely("ts", "time")
		withFrom()
		switch g.r.IntN(4) {
		case 0:
			op["layout_type"], op["layout"] = "epoch", g.pick("s", "s.ms", "ms", "us", "ns", "s.us", "s.ns")
		case 1:
			op["layout_type"], op["layout"] = "gotime", "2006-01-02T15:04:05Z07:00"
		case 2:
			op["layout_type"], op["layout"], op["location"] = "strptime", "%Y-%m-%d %H:%M:%S.%L", "UTC"
		default:
			op["layout_type"], op["layout"], op["location"] = "strptime", "%d/%b/%Y:%H:%M:%S", "UTC"
		}
	case 5:
		op["type"] = "trace_parser"
		op["trace_id"] = map[string]any{"parse_from": `attributes["trace_id"]`}
		op["span_id"] = map[string]any{"parse_from": `attributes["span_id"]`}
		if g.r.IntN(2) == 0 {
			op["trace_flags"] = map[string]any{"parse_from": `attributes["flags"]`}
		}
	case 6:
		op["type"] = "move"
		to := g.key()
		op["if"], op["from"], op["to"] = present(from), fmt.Sprintf("attributes[%q]", from), fmt.Sprintf("attributes[%q]", to)
		delete(op, "on_error")
	case 7:
		op["type"] = "remove"
		op["if"], op["field"] = present(from), fmt.Sprintf("attributes[%q]", from)
		if g.r.IntN(4) == 0 {
			delete(op, "if") // a missing attribute fails
		}
		delete(op, "on_error")
	default:
		// Left to stanza: a json parser (its values' types), or a step whose `if` reads the body.
		if g.r.IntN(2) == 0 {
			op["type"] = "json_parser"
			op["parse_ints"] = true
		} else {
			op["type"] = "key_value_parser"
			op["if"] = `body matches "level"`
		}
	}
	return op
}

// rules: enrichment, then rules each behind a router on the resource, as the operator serves them.
func (g gen) rules() string {
	var ops []map[string]any
	cond := func() string {
		c := fmt.Sprintf(`resource["k8s.namespace.name"] == %q`, namespaces[g.r.IntN(len(namespaces))])
		switch g.r.IntN(4) {
		case 0:
			c += fmt.Sprintf(` and resource["k8s.pod.name"] matches %q`, "^"+g.pick("web", "api", "db")+"-")
		case 1:
			c += ` and resource["service.name"] == "checkout"`
		case 2:
			c = "not (" + c + ")"
		}
		return c
	}
	if g.r.IntN(2) == 0 {
		ops = append(ops, map[string]any{"type": "add", "id": "svc-shop-checkout", "if": cond(),
			"field": `resource["service.name"]`, "value": "checkout"})
	}
	n := 1 + g.r.IntN(4)
	for i := 0; i < n; i++ {
		prefix := fmt.Sprintf("lpr/%s/r%d/", namespaces[i%len(namespaces)], i)
		if i == n-1 && g.r.IntN(3) == 0 {
			prefix = fmt.Sprintf("default/d%d/", i)
		}
		next := "end-of-rules"
		if i+1 < n {
			next = fmt.Sprintf("lpr/%s/r%d/route", namespaces[(i+1)%len(namespaces)], i+1)
			if i+1 == n-1 {
				next = "" // filled in below
			}
		}
		var steps []map[string]any
		for j, m := 0, 1+g.r.IntN(5); j < m; j++ {
			steps = append(steps, g.step(fmt.Sprintf("%sstep-%d", prefix, j+1)))
		}
		expr := cond()
		if g.r.IntN(12) == 0 {
			expr += ` and attributes["log.iostream"] == "stdout"` // a router reading a record: left to stanza
		}
		ops = append(ops, map[string]any{"type": "router", "id": prefix + "route",
			"routes": []any{map[string]any{"expr": expr, "output": steps[0]["id"]}}, "default": next})
		ops = append(ops, steps...)
		steps[len(steps)-1]["output"] = next
	}
	// Wire the "next" of each rule to the following rule's router (ids are known only now).
	var routers []string
	for _, op := range ops {
		if op["type"] == "router" {
			routers = append(routers, op["id"].(string))
		}
	}
	routers = append(routers, "end-of-rules")
	r := 0
	for _, op := range ops {
		if op["type"] == "router" {
			r++
			op["default"] = routers[r]
		} else if _, ok := op["output"]; ok {
			op["output"] = routers[r]
		}
	}
	ops = append(ops, map[string]any{"type": "noop", "id": "end-of-rules"})
	body, _ := json.Marshal(ops)
	return string(body)
}

func (g gen) batch(records int) plog.Logs {
	ld := plog.NewLogs()
	for i := 0; i < 1+g.r.IntN(4); i++ {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("k8s.namespace.name", namespaces[g.r.IntN(len(namespaces))])
		rl.Resource().Attributes().PutStr("k8s.pod.name", pods[g.r.IntN(len(pods))])
		sl := rl.ScopeLogs().AppendEmpty()
		for k := 0; k < records; k++ {
			r := sl.LogRecords().AppendEmpty()
			r.Body().SetStr(g.line())
			if g.r.IntN(40) == 0 {
				r.Body().SetEmptyMap().PutStr("level", "warn") // not what filelog makes, but a record may be so
			}
			r.Attributes().PutStr("log.iostream", g.pick("stdout", "stderr"))
			r.Attributes().PutStr("log.file.path", "/var/log/pods/x/app/0.log")
			// Attributes a step may find before any parser ran, of every type.
			switch g.r.IntN(12) {
			case 0, 1:
				r.Attributes().PutStr(g.key(), g.value("level"))
			case 2:
				r.Attributes().PutInt(g.key(), int64(g.r.IntN(30)))
			case 3:
				r.Attributes().PutDouble(g.key(), g.pick2(3, 2.5))
			case 4:
				r.Attributes().PutEmptyMap(g.key()).PutStr("inner", "x")
			case 5:
				r.Attributes().PutEmptyBytes(g.key()).FromRaw([]byte{0x4b})
			case 6:
				r.Attributes().PutEmpty(g.key())
			case 7:
				r.Attributes().PutBool(g.key(), true)
			}
			r.SetObservedTimestamp(pcommon.Timestamp(1764842400000000000 + int64(k)))
		}
	}
	return ld
}

func TestFastPathAgreesWithStanza(t *testing.T) {
	handedOver := 0
	for seed := uint64(1); seed <= 400; seed++ {
		g := gen{rand.New(rand.NewPCG(seed, 7))}
		rules := g.rules()
		fast, fastOut := fixedProcessor(t, rules, false)
		slow, slowOut := fixedProcessor(t, rules, true)
		if fast.current.fast == nil {
			t.Fatalf("seed %d: no fast path for\n%s", seed, rules)
		}
		for _, n := range fast.current.fast.nodes {
			if n.kind == kindStanza {
				handedOver++
			}
		}
		for b := 0; b < 3; b++ {
			ld := g.batch(20)
			copyForSlow := plog.NewLogs()
			ld.CopyTo(copyForSlow)
			if err := fast.ConsumeLogs(context.Background(), ld); err != nil {
				t.Fatal(err)
			}
			if err := slow.ConsumeLogs(context.Background(), copyForSlow); err != nil {
				t.Fatal(err)
			}
		}
		got, want := canonical(fastOut), canonical(slowOut)
		if len(got) != len(want) {
			t.Fatalf("seed %d: %d records on the fast path, %d through stanza\nrules: %s", seed, len(got), len(want), rules)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("seed %d: records differ\nfast:   %s\nstanza: %s\nrules: %s", seed, got[i], want[i], rules)
			}
		}
		if f, s := fast.counts.report(), slow.counts.report(); f != s {
			t.Fatalf("seed %d: parse failures differ\nfast:   %s\nstanza: %s\nrules: %s", seed, f, s, rules)
		}
	}
	if handedOver == 0 {
		t.Fatal("no rule left anything to stanza: the hand-over was not compared")
	}
}

// FuzzKeyValueAgreesWithStanza: any line, any of the delimiters, through key_value_parser on both ways.
// go test -run '^$' -fuzz FuzzKeyValueAgreesWithStanza -fuzztime 60s (the seeds run with every go test)
func FuzzKeyValueAgreesWithStanza(f *testing.F) {
	for _, s := range []string{`a=1 b="x y" c='z'`, `k=v\" w=x`, `"a=b" c=d`, `x==y`, ` a = b `, `a=b\ c=d`, `'a'b=c`,
		`k="v\"w" x=y`, `a=1;b=2`, `a=>1, b=>"2, 3"`, "é=ü\tq=r", `\'=x`, "\x00", "a\x00=b"} {
		for d := 0; d < 4; d++ {
			f.Add(s, uint8(d))
		}
	}
	delimiters := []struct{ delimiter, pair string }{{"=", " "}, {"=", ";"}, {"=>", ", "}, {":", "&"}}
	procs := map[uint8][2]*rulesProcessor{}
	sinks := map[uint8][2]*consumertest.LogsSink{}
	for d, ds := range delimiters {
		rules := fmt.Sprintf(`[{"type":"key_value_parser","id":"lpr/shop/r/step-1","on_error":"send_quiet","delimiter":%q,"pair_delimiter":%q}]`,
			ds.delimiter, ds.pair)
		fast, fastOut := fixedProcessor(f, rules, false)
		slow, slowOut := fixedProcessor(f, rules, true)
		procs[uint8(d)], sinks[uint8(d)] = [2]*rulesProcessor{fast, slow}, [2]*consumertest.LogsSink{fastOut, slowOut}
	}
	f.Fuzz(func(t *testing.T, line string, d uint8) {
		d %= uint8(len(delimiters))
		var outs [2][]string
		for i, p := range procs[d] {
			sinks[d][i].Reset()
			p.counts.mu.Lock()
			clear(p.counts.byRule)
			p.counts.mu.Unlock()
			ld := lines("web-1", line)
			if err := p.ConsumeLogs(context.Background(), ld); err != nil {
				t.Fatal(err)
			}
			outs[i] = canonical(sinks[d][i])
		}
		if strings.Join(outs[0], "\n") != strings.Join(outs[1], "\n") {
			t.Fatalf("line %q, delimiters %+v\nfast:   %v\nstanza: %v", line, delimiters[d], outs[0], outs[1])
		}
		if f, s := procs[d][0].counts.report(), procs[d][1].counts.report(); f != s {
			t.Fatalf("line %q: failures fast %s, stanza %s", line, f, s)
		}
	})
}

// agree runs ld through rules both ways and fails on any difference in the records or the failure counts.
func agree(t *testing.T, rules string, ld plog.Logs) {
	t.Helper()
	fast, fastOut := fixedProcessor(t, rules, false)
	slow, slowOut := fixedProcessor(t, rules, true)
	other := plog.NewLogs()
	ld.CopyTo(other)
	if err := fast.ConsumeLogs(context.Background(), ld); err != nil {
		t.Fatal(err)
	}
	if err := slow.ConsumeLogs(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	got, want := strings.Join(canonical(fastOut), "\n"), strings.Join(canonical(slowOut), "\n")
	if got != want {
		t.Fatalf("rules %s\nfast:\n%s\nstanza:\n%s", rules, got, want)
	}
	if f, s := fast.counts.report(), slow.counts.report(); f != s {
		t.Fatalf("rules %s: failures fast %s, stanza %s", rules, f, s)
	}
}

// Every epoch layout on every kind of value, string or not (the fast path reads strings itself).
func TestEpochAgreesWithStanza(t *testing.T) {
	values := []any{"1764842400", "1764842400.123", "1764842400123", "1764842400123456", "1764842400123456789",
		"-62135596800", "-62135596800.0", "-70000000000", "-70000000000.5", "1.2.3", "", "x", ".5", "5.", "1e3",
		int64(1764842400), 1764842400.5, true}
	for _, layout := range []string{"s", "ms", "us", "ns", "s.ms", "s.us", "s.ns"} {
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("k8s.namespace.name", "shop")
		sl := rl.ScopeLogs().AppendEmpty()
		for _, v := range values {
			r := sl.LogRecords().AppendEmpty()
			r.Body().SetStr(fmt.Sprint(v))
			if err := r.Attributes().PutEmpty("ts").FromRaw(v); err != nil {
				t.Fatal(err)
			}
			r.SetObservedTimestamp(1)
		}
		last := sl.LogRecords().AppendEmpty()
		last.Body().SetStr("no ts")
		last.SetObservedTimestamp(1)
		agree(t, fmt.Sprintf(`[{"type":"time_parser","id":"lpr/shop/r/step-1","on_error":"send_quiet","parse_from":"attributes.ts","layout_type":"epoch","layout":%q}]`, layout), ld)
	}
}

// Severity by stanza's default mapping and a custom one, on strings and other types.
func TestSeverityAgreesWithStanza(t *testing.T) {
	values := []any{"info", "INFO", "Warn", "warning", "E", "err", "fatal4", "trace2", "", "nonsense", "3", "200",
		int64(3), int64(200), 3.0, 3.5, true, []byte("warn")}
	for _, mapping := range []string{"", `,"mapping":{"warn":["warning","W"],"error":["E","err",3],"info":"notice","fatal":"200"}`,
		`,"preset":"none","mapping":{"debug2":"x"}`} {
		ld := plog.NewLogs()
		sl := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
		for _, v := range values {
			r := sl.LogRecords().AppendEmpty()
			r.Body().SetStr(fmt.Sprint(v))
			if err := r.Attributes().PutEmpty("level").FromRaw(v); err != nil {
				t.Fatal(err)
			}
			r.SetObservedTimestamp(1)
		}
		last := sl.LogRecords().AppendEmpty()
		last.Body().SetStr("no level")
		last.SetObservedTimestamp(1)
		agree(t, `[{"type":"severity_parser","id":"lpr/shop/r/step-1","on_error":"send_quiet","parse_from":"attributes.level"`+mapping+`}]`, ld)
	}
}

// What Vigil's operator serves (AgentOperators, RuleOperators: enrichment, routers on the workload's pods, every
// step kind but json and multiline, renames, drops) runs entirely on the fast path; json and multiline go to stanza.
func TestServedRulesRunOnTheFastPath(t *testing.T) {
	served := `
- {type: add, id: svc-shop-checkout, if: 'resource["k8s.namespace.name"] == "shop" and resource["k8s.pod.name"] matches "^web-[a-z0-9]{1,10}-[a-z0-9]{5}$"', field: 'resource["service.name"]', value: checkout}
- {type: add, id: svc-shop-checkout-workload, if: 'resource["k8s.namespace.name"] == "shop" and resource["k8s.pod.name"] matches "^web-[a-z0-9]{1,10}-[a-z0-9]{5}$"', field: 'resource["k8s.deployment.name"]', value: web}
- {type: router, id: lpr/shop/web/route, routes: [{expr: 'resource["k8s.namespace.name"] == "shop" and resource["k8s.pod.name"] matches "^web-" and resource["k8s.container.name"] == "app"', output: lpr/shop/web/step-1}], default: default/base/route}
- {type: regex_parser, id: lpr/shop/web/step-1, on_error: send_quiet, regex: '^(?P<time>\S+) (?P<rest>.*)$'}
- {type: key_value_parser, id: lpr/shop/web/step-2, if: 'attributes["rest"] != nil', parse_from: 'attributes["rest"]', on_error: send_quiet, delimiter: '=', pair_delimiter: ' '}
- {type: severity_parser, id: lpr/shop/web/step-3, if: 'attributes["level"] != nil', parse_from: 'attributes["level"]', on_error: send_quiet, mapping: {warn: [warning]}}
- {type: time_parser, id: lpr/shop/web/step-4, if: 'attributes["time"] != nil', parse_from: 'attributes["time"]', on_error: send_quiet, layout_type: strptime, layout: '%Y-%m-%dT%H:%M:%S', location: UTC}
- {type: trace_parser, id: lpr/shop/web/step-5, trace_id: {parse_from: 'attributes["trace_id"]'}, span_id: {parse_from: 'attributes["span_id"]'}, on_error: send_quiet}
- {type: move, id: lpr/shop/web/rename-user, if: 'attributes["user"] != nil', from: 'attributes["user"]', to: 'attributes["enduser.id"]'}
- {type: remove, id: lpr/shop/web/drop-rest, if: 'attributes["rest"] != nil', field: 'attributes["rest"]', output: default/base/route}
- {type: router, id: default/base/route, routes: [{expr: 'not ((resource["k8s.namespace.name"] == "shop" and resource["k8s.pod.name"] matches "^web-"))', output: default/base/step-1}], default: end-of-rules}
- {type: severity_parser, id: default/base/step-1, if: 'attributes["level"] != nil', parse_from: 'attributes["level"]', on_error: send_quiet, output: end-of-rules}
- {type: noop, id: end-of-rules}
`
	p, _ := fixedProcessor(t, served, false)
	if n := p.current.leftToStanza(); n != 0 {
		t.Fatalf("%d of the served operators are left to stanza", n)
	}
	for _, other := range []string{
		`- {type: json_parser, id: lpr/shop/web/step-1, on_error: send_quiet}`,
		`- {type: recombine, id: lpr/shop/web/multiline, combine_field: body, is_first_entry: 'body matches "^\\d"', source_identifier: 'attributes["log.file.path"]'}`,
	} {
		p, _ := fixedProcessor(t, other+"\n- {type: noop, id: end-of-rules}", false)
		if n := p.current.leftToStanza(); n != 1 {
			t.Fatalf("%d operators left to stanza in\n%s", n, other)
		}
	}
}
