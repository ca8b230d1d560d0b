// Package vigilsampling is an extension compiled into Vigil's collector distribution. It serves the trace sampling
// strategies the Vigil operator computes for the services of a fleet to the apps' OpenTelemetry SDKs, over Jaeger's
// remote sampling protocol (gRPC jaeger.api_v2.SamplingManager, as the Java SDK's jaeger_remote sampler calls it,
// and HTTP GET /sampling?service=), and keeps them current by polling the operator (If-None-Match, ±20 % jitter):
// a new ratio reaches an SDK within the poll interval plus the SDK's own.
//
// What it never does is make something up: before the first answer, for a service the answer names no strategy
// for, or with the operator unreachable since start, it answers UNAVAILABLE / NOT_FOUND (HTTP 503 / 404), and an
// SDK keeps the sampler it has (its last strategy, or its initial rate). On any error after that it keeps serving
// the last good answer.
package vigilsampling

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"vigil.dev/collector/operatorpoll"
)

type samplingExtension struct {
	cfg    *Config
	logger *zap.Logger
	poll   *operatorpoll.Fetcher

	current  atomic.Pointer[strategies] // nil before the first good answer
	etag     atomic.Pointer[string]
	lastBody atomic.Pointer[[]byte] // the last answer taken or refused
	updates  atomic.Int64           // answers taken, since start
	failures atomic.Int64           // polls failed in a row

	grpcAddr, httpAddr net.Addr // where they listen (an address with port 0 gets one)
	grpcServer         *grpc.Server
	httpServer         *http.Server
	wg                 sync.WaitGroup
	stop               chan struct{}
	stopOnce           sync.Once
}

func newExtension(set component.TelemetrySettings, cfg *Config) *samplingExtension {
	return &samplingExtension{cfg: cfg, logger: set.Logger, poll: operatorpoll.New(cfg.Endpoint, cfg.TokenFile, ""),
		stop: make(chan struct{})}
}

// Start listens (an address in use fails the start, as for any receiver), takes the operator's answer if it has
// one now, and polls from then on.
func (e *samplingExtension) Start(ctx context.Context, _ component.Host) error {
	var grpcLn, httpLn net.Listener
	var err error
	if e.cfg.GRPC != "" {
		if grpcLn, err = net.Listen("tcp", e.cfg.GRPC); err != nil {
			return err
		}
	}
	if e.cfg.HTTP != "" {
		if httpLn, err = net.Listen("tcp", e.cfg.HTTP); err != nil {
			if grpcLn != nil {
				_ = grpcLn.Close()
			}
			return err
		}
	}
	e.refresh(ctx)
	if grpcLn != nil {
		e.grpcAddr = grpcLn.Addr()
		e.grpcServer = grpc.NewServer(grpc.ForceServerCodec(rawCodec{}))
		e.grpcServer.RegisterService(&grpc.ServiceDesc{
			ServiceName: grpcService,
			HandlerType: (*any)(nil),
			Methods:     []grpc.MethodDesc{{MethodName: grpcMethod, Handler: e.handleGRPC}},
		}, e)
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			_ = e.grpcServer.Serve(grpcLn)
		}()
	}
	if httpLn != nil {
		e.httpAddr = httpLn.Addr()
		mux := http.NewServeMux()
		mux.HandleFunc("/sampling", e.handleHTTP)
		e.httpServer = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			_ = e.httpServer.Serve(httpLn)
		}()
	}
	e.wg.Add(1)
	go e.loop()
	return nil
}

func (e *samplingExtension) Shutdown(ctx context.Context) error {
	e.stopOnce.Do(func() { close(e.stop) })
	if e.grpcServer != nil {
		e.grpcServer.Stop()
	}
	var err error
	if e.httpServer != nil {
		err = e.httpServer.Shutdown(ctx)
	}
	done := make(chan struct{})
	go func() {
		e.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return errors.Join(err, ctx.Err())
	}
	return err
}

func (e *samplingExtension) loop() {
	defer e.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-e.stop
		cancel()
	}()
	for {
		select {
		case <-e.stop:
			return
		case <-time.After(e.cfg.NextPoll()):
			e.refresh(ctx)
		}
	}
}

// refresh asks the operator once and takes a good new answer; keeps what it serves otherwise.
func (e *samplingExtension) refresh(ctx context.Context) {
	etag := ""
	if p := e.etag.Load(); p != nil {
		etag = *p
	}
	a, err := e.poll.Fetch(ctx, etag, nil)
	switch {
	case errors.Is(err, operatorpoll.ErrNotModified):
		return
	case err != nil:
		if n := e.failures.Add(1); n == 1 || n%30 == 0 {
			e.logger.Warn("polling the Vigil operator failed; keeping the current sampling strategies",
				zap.Int64("failures", n), zap.Error(err))
		}
		return
	}
	e.failures.Store(0)
	e.etag.Store(&a.ETag) // a refused answer is not asked for again until it changes
	if last := e.lastBody.Load(); last != nil && string(*last) == string(a.Body) {
		return // the same answer again (a standby relays without an ETag)
	}
	e.lastBody.Store(&a.Body)
	s, err := parseStrategies(a.Body)
	if err != nil {
		e.logger.Error("the served sampling strategies are refused; keeping the current ones", zap.Error(err))
		return
	}
	e.current.Store(s)
	e.updates.Add(1)
	e.logger.Info("sampling strategies updated", zap.Int("services", len(s.byService)), zap.String("etag", a.ETag))
}

func (e *samplingExtension) handleGRPC(_ any, _ context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
	var req rawMessage
	if err := dec(&req); err != nil {
		return nil, err
	}
	service, err := serviceNameOf(req)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	s := e.current.Load()
	if s == nil {
		return nil, status.Error(codes.Unavailable, "no sampling strategies from the Vigil operator yet")
	}
	p, ok := s.lookup(service)
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no sampling strategy for service %q", service)
	}
	return rawMessage(probabilisticResponse(p)), nil
}

func (e *samplingExtension) handleHTTP(w http.ResponseWriter, r *http.Request) {
	service := r.URL.Query().Get("service")
	if service == "" {
		http.Error(w, "'service' parameter must be provided", http.StatusBadRequest)
		return
	}
	s := e.current.Load()
	if s == nil {
		http.Error(w, "no sampling strategies from the Vigil operator yet", http.StatusServiceUnavailable)
		return
	}
	p, ok := s.lookup(service)
	if !ok {
		http.Error(w, "no sampling strategy for this service", http.StatusNotFound)
		return
	}
	writeHTTP(w, p)
}

// rawMessage is a protobuf message as bytes: the gRPC service reads and writes them itself (protocol.go).
type rawMessage []byte

type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(rawMessage)
	if !ok {
		return nil, errors.New("vigilsampling: not a raw message")
	}
	return m, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(*rawMessage)
	if !ok {
		return errors.New("vigilsampling: not a raw message")
	}
	*m = append((*m)[:0], data...)
	return nil
}
