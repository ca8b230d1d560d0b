// Package vigildetect is a processor compiled into Vigil's collector distribution: it detects where its collector
// runs (the cloud's instance metadata, the host, the environment) once at start and sets what it found as
// resource attributes. The Vigil operator gives each node group of an agent fleet only the detectors that fit its
// provider, so no collector probes a cloud it is not on.
//
// Detection never stops or hangs a collector: every detector runs concurrently under one timeout, a detector
// that fails or does not answer in time contributes nothing (logged once), and the collector starts with what
// the others found. Metadata answers are read up to a bound, and redirects are not followed.
package vigildetect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"
)

// maxBody bounds a metadata answer (the documents are a few KiB).
const maxBody = 64 << 10

type detection struct {
	logger *zap.Logger
	cfg    *Config
	client *http.Client
	found  map[string]string // after start: the attributes to set (detected, then the configured ones)
}

func newDetection(set component.TelemetrySettings, cfg *Config) *detection {
	return &detection{
		logger: set.Logger,
		cfg:    cfg,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// detector reads one source; an error means it found nothing.
type detector func(ctx context.Context) (map[string]string, error)

func (d *detection) detectors() map[string]detector {
	return map[string]detector{
		DetectorEC2:    d.ec2,
		DetectorAzure:  d.azure,
		DetectorGCP:    d.gcp,
		DetectorSystem: d.system,
		DetectorEnv:    envAttributes,
	}
}

func (d *detection) start(ctx context.Context, _ component.Host) error {
	d.found = d.detect(ctx)
	return nil
}

// detect runs every configured detector concurrently within the timeout; earlier detectors win on a shared key,
// the configured attributes win over all.
func (d *detection) detect(parent context.Context) map[string]string {
	ctx, cancel := context.WithTimeout(parent, d.cfg.Timeout)
	defer cancel()
	results := make([]map[string]string, len(d.cfg.Detectors))
	var wg sync.WaitGroup
	all := d.detectors()
	for i, name := range d.cfg.Detectors {
		wg.Add(1)
		go func(i int, name string) {
			defer wg.Done()
			started := time.Now()
			attrs, err := all[name](ctx)
			if err != nil {
				d.logger.Warn("resource detector found nothing; starting without its attributes",
					zap.String("detector", name), zap.Duration("after", time.Since(started)), zap.Error(err))
				return
			}
			results[i] = attrs
		}(i, name)
	}
	wg.Wait()
	out := map[string]string{}
	for i := len(results) - 1; i >= 0; i-- {
		for k, v := range results[i] {
			if v != "" {
				out[k] = v
			}
		}
	}
	for k, v := range d.cfg.Attributes {
		out[k] = v
	}
	d.logger.Info("resource detected", zap.Strings("detectors", d.cfg.Detectors), zap.Int("attributes", len(out)),
		zap.String("cloud.provider", out["cloud.provider"]), zap.String("cloud.region", out["cloud.region"]))
	return out
}

func (d *detection) apply(res pcommon.Resource) {
	attrs := res.Attributes()
	for k, v := range d.found {
		if _, has := attrs.Get(k); has && !d.cfg.Override {
			if _, own := d.cfg.Attributes[k]; !own {
				continue
			}
		}
		attrs.PutStr(k, v)
	}
}

func (d *detection) processLogs(_ context.Context, ld plog.Logs) (plog.Logs, error) {
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		d.apply(ld.ResourceLogs().At(i).Resource())
	}
	return ld, nil
}

func (d *detection) processMetrics(_ context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
	for i := 0; i < md.ResourceMetrics().Len(); i++ {
		d.apply(md.ResourceMetrics().At(i).Resource())
	}
	return md, nil
}

func (d *detection) processTraces(_ context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	for i := 0; i < td.ResourceSpans().Len(); i++ {
		d.apply(td.ResourceSpans().At(i).Resource())
	}
	return td, nil
}

// get asks a metadata service; a non-2xx answer is an error naming its status only.
func (d *detection) get(ctx context.Context, method, u string, header map[string]string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("%s %s: HTTP %d", method, req.URL.Path, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("%s %s: answer larger than %d bytes", method, req.URL.Path, maxBody)
	}
	return body, nil
}

// ec2 reads the instance identity document, with an IMDSv2 session token when the service gives one.
func (d *detection) ec2(ctx context.Context) (map[string]string, error) {
	base := strings.TrimSuffix(d.cfg.EC2.Endpoint, "/")
	header := map[string]string{}
	if token, err := d.get(ctx, http.MethodPut, base+"/latest/api/token",
		map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": "60"}); err == nil {
		header["X-aws-ec2-metadata-token"] = string(token)
	} else if ctx.Err() != nil {
		return nil, err
	}
	body, err := d.get(ctx, http.MethodGet, base+"/latest/dynamic/instance-identity/document", header)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Region           string `json:"region"`
		AvailabilityZone string `json:"availabilityZone"`
		AccountID        string `json:"accountId"`
		InstanceID       string `json:"instanceId"`
		InstanceType     string `json:"instanceType"`
		ImageID          string `json:"imageId"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("instance identity document: %w", err)
	}
	if doc.InstanceID == "" {
		return nil, errors.New("instance identity document: no instanceId")
	}
	out := map[string]string{
		"cloud.provider":          "aws",
		"cloud.platform":          "aws_ec2",
		"cloud.region":            doc.Region,
		"cloud.availability_zone": doc.AvailabilityZone,
		"cloud.account.id":        doc.AccountID,
		"host.id":                 doc.InstanceID,
		"host.type":               doc.InstanceType,
		"host.image.id":           doc.ImageID,
	}
	if name, err := d.get(ctx, http.MethodGet, base+"/latest/meta-data/hostname", header); err == nil {
		out["host.name"] = strings.TrimSpace(string(name))
	}
	return out, nil
}

// azure reads the instance's compute metadata.
func (d *detection) azure(ctx context.Context) (map[string]string, error) {
	base := strings.TrimSuffix(d.cfg.Azure.Endpoint, "/")
	body, err := d.get(ctx, http.MethodGet, base+"/metadata/instance/compute?api-version=2021-12-13&format=json",
		map[string]string{"Metadata": "true"})
	if err != nil {
		return nil, err
	}
	var doc struct {
		Location          string `json:"location"`
		Name              string `json:"name"`
		VMID              string `json:"vmId"`
		VMSize            string `json:"vmSize"`
		SubscriptionID    string `json:"subscriptionId"`
		ResourceGroupName string `json:"resourceGroupName"`
		VMScaleSetName    string `json:"vmScaleSetName"`
		Zone              string `json:"zone"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("compute metadata: %w", err)
	}
	if doc.VMID == "" {
		return nil, errors.New("compute metadata: no vmId")
	}
	return map[string]string{
		"cloud.provider":           "azure",
		"cloud.platform":           "azure_vm",
		"cloud.region":             doc.Location,
		"cloud.availability_zone":  doc.Zone,
		"cloud.account.id":         doc.SubscriptionID,
		"host.id":                  doc.VMID,
		"host.name":                doc.Name,
		"host.type":                doc.VMSize,
		"azure.vm.name":            doc.Name,
		"azure.vm.size":            doc.VMSize,
		"azure.vm.scaleset.name":   doc.VMScaleSetName,
		"azure.resourcegroup.name": doc.ResourceGroupName,
	}, nil
}

// gcp reads the instance's and the project's metadata.
func (d *detection) gcp(ctx context.Context) (map[string]string, error) {
	base := strings.TrimSuffix(d.cfg.GCP.Endpoint, "/") + "/computeMetadata/v1"
	header := map[string]string{"Metadata-Flavor": "Google"}
	body, err := d.get(ctx, http.MethodGet, base+"/instance/?recursive=true", header)
	if err != nil {
		return nil, err
	}
	var doc struct {
		ID          json.Number `json:"id"`
		Name        string      `json:"name"`
		Hostname    string      `json:"hostname"`
		Zone        string      `json:"zone"`        // projects/<number>/zones/<zone>
		MachineType string      `json:"machineType"` // projects/<number>/machineTypes/<type>
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("instance metadata: %w", err)
	}
	if doc.ID == "" {
		return nil, errors.New("instance metadata: no id")
	}
	project, err := d.get(ctx, http.MethodGet, base+"/project/project-id", header)
	if err != nil {
		return nil, err
	}
	zone := lastSegment(doc.Zone)
	region := zone
	if i := strings.LastIndex(zone, "-"); i > 0 {
		region = zone[:i]
	}
	return map[string]string{
		"cloud.provider":          "gcp",
		"cloud.platform":          "gcp_compute_engine",
		"cloud.region":            region,
		"cloud.availability_zone": zone,
		"cloud.account.id":        strings.TrimSpace(string(project)),
		"host.id":                 doc.ID.String(),
		"host.name":               doc.Name,
		"host.type":               lastSegment(doc.MachineType),
	}, nil
}

func lastSegment(s string) string {
	return s[strings.LastIndex(s, "/")+1:]
}

// system describes the process's host.
func (d *detection) system(context.Context) (map[string]string, error) {
	name := d.cfg.HostName
	if name == "" {
		var err error
		if name, err = os.Hostname(); err != nil {
			return nil, err
		}
	}
	return map[string]string{"host.name": name, "os.type": runtime.GOOS, "host.arch": runtime.GOARCH}, nil
}

// envAttributes reads OTEL_RESOURCE_ATTRIBUTES (key=value pairs separated by commas, values percent-encoded).
func envAttributes(context.Context) (map[string]string, error) {
	return parseResourceAttributes(os.Getenv("OTEL_RESOURCE_ATTRIBUTES"))
}

func parseResourceAttributes(s string) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(pair, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: %q is not key=value", pair)
		}
		value, err := url.PathUnescape(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: value of %q: %w", k, err)
		}
		out[k] = value
	}
	return out, nil
}
