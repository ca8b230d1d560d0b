package vigilsampling

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"

	"google.golang.org/protobuf/encoding/protowire"
)

// Jaeger's remote sampling protocol (jaeger-idl proto/api_v2/sampling.proto), the part a probabilistic strategy
// needs, encoded by hand: the service and its two messages are small and stable, and this keeps the collector
// free of generated code.
//
//	service SamplingManager { rpc GetSamplingStrategy(SamplingStrategyParameters) returns (SamplingStrategyResponse); }
//	message SamplingStrategyParameters { string serviceName = 1; }
//	message SamplingStrategyResponse { SamplingStrategyType strategyType = 1;  // PROBABILISTIC = 0
//	                                   ProbabilisticSamplingStrategy probabilisticSampling = 2; ... }
//	message ProbabilisticSamplingStrategy { double samplingRate = 1; }
const (
	grpcService = "jaeger.api_v2.SamplingManager"
	grpcMethod  = "GetSamplingStrategy"
)

// serviceNameOf reads SamplingStrategyParameters.serviceName (unknown fields are skipped, as protobuf does).
func serviceNameOf(b []byte) (string, error) {
	name := ""
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return "", errors.New("malformed SamplingStrategyParameters")
		}
		b = b[n:]
		if num == 1 && typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return "", errors.New("malformed SamplingStrategyParameters")
			}
			name, b = string(v), b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return "", errors.New("malformed SamplingStrategyParameters")
		}
		b = b[m:]
	}
	return name, nil
}

// probabilisticResponse encodes a SamplingStrategyResponse of type PROBABILISTIC (the zero value, not written) with
// the sampling rate p.
func probabilisticResponse(p float64) []byte {
	var inner []byte
	inner = protowire.AppendTag(inner, 1, protowire.Fixed64Type)
	inner = protowire.AppendFixed64(inner, math.Float64bits(p))
	var out []byte
	out = protowire.AppendTag(out, 2, protowire.BytesType)
	out = protowire.AppendBytes(out, inner)
	return out
}

// httpResponse is the JSON form Jaeger's HTTP endpoint answers (GET /sampling?service=NAME).
type httpResponse struct {
	StrategyType          string `json:"strategyType"`
	ProbabilisticSampling struct {
		SamplingRate float64 `json:"samplingRate"`
	} `json:"probabilisticSampling"`
}

func writeHTTP(w http.ResponseWriter, p float64) {
	var r httpResponse
	r.StrategyType = "PROBABILISTIC"
	r.ProbabilisticSampling.SamplingRate = p
	body, _ := json.Marshal(r)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}
