// dashboard-check decodes Grafana dashboard JSON files strictly with the types generated from Grafana's published
// dashboard schema (github.com/grafana/grafana-foundation-sdk, the Go SDK of the schemas Grafana ships): an
// unknown field, a field of the wrong type or a missing required field anywhere in the dashboard, its panels (with
// each panel plugin's options and field config), its variables or annotations fails the check.
//
//	go run . file.json...
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

func main() {
	plugins.RegisterDefaultPlugins()
	failed := false
	for _, file := range os.Args[1:] {
		raw, err := os.ReadFile(file)
		if err != nil {
			fmt.Printf("%s: %v\n", file, err)
			failed = true
			continue
		}
		var d dashboard.Dashboard
		if err := d.UnmarshalJSONStrict(raw); !isNil(err) {
			fmt.Printf("%s: rejected by the dashboard schema: %v\n", file, err)
			failed = true
			continue
		}
		fmt.Printf("%s: ok (%d panels, %d variables)\n", file, len(d.Panels), len(d.Templating.List))
	}
	if failed {
		os.Exit(1)
	}
}

// isNil: the SDK can return its error list as a typed nil (an empty cog.BuildErrors) when nothing failed.
func isNil(err error) bool {
	if err == nil {
		return true
	}
	var list cog.BuildErrors
	return errors.As(err, &list) && len(list) == 0
}
