package crawler

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestWebConfigDefaults checks that zero fields take the documented
// defaults and set fields are kept.
func TestWebConfigDefaults(t *testing.T) {
	got, err := WebConfig{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultWebConfig()
	got.Progress, want.Progress = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("zero config became %+v, want %+v", got, want)
	}
	d := DefaultWebConfig()
	if d.UserAgent != "p2pir/0.1 (+https://github.com/p2pir/p2pir)" || d.MaxDepth != 2 || d.MaxPages != 100 ||
		d.Parallelism != 2 || d.Delay != time.Second || d.MaxBodySize != 5<<20 ||
		d.RequestTimeout != 15*time.Second || d.IgnoreRobots || d.BatchSize != 64 {
		t.Errorf("DefaultWebConfig() = %+v differs from the documented defaults", d)
	}
	set := WebConfig{UserAgent: "x", MaxDepth: 5, MaxPages: 7, Parallelism: 1, Delay: time.Millisecond,
		MaxBodySize: 10, RequestTimeout: time.Second, IgnoreRobots: true, BatchSize: 3}
	kept, err := set.withDefaults()
	if err != nil || !reflect.DeepEqual(kept, set) {
		t.Errorf("set fields changed: %+v, %v", kept, err)
	}
	_, err = WebConfig{MaxDepth: -1, RequestTimeout: -time.Second}.withDefaults()
	if err == nil || !strings.Contains(err.Error(), "MaxDepth") || !strings.Contains(err.Error(), "RequestTimeout") {
		t.Errorf("negative fields: error %v, want both named", err)
	}
}

// TestWebPageKind checks which content types are indexed.
func TestWebPageKind(t *testing.T) {
	tests := []struct {
		ct   string
		want int
	}{
		{"text/html", webKindHTML},
		{"text/html; charset=ISO-8859-1", webKindHTML},
		{"TEXT/HTML", webKindHTML},
		{"application/xhtml+xml", webKindHTML},
		{"text/plain; charset=utf-8", webKindText},
		{"text/plain;;bad params", webKindText},
		{"image/png", webKindOther},
		{"application/pdf", webKindOther},
		{"text/css", webKindOther},
		{"application/json", webKindOther},
		{"", webKindOther},
	}
	for _, tc := range tests {
		if got := webPageKind(tc.ct); got != tc.want {
			t.Errorf("webPageKind(%q) = %d, want %d", tc.ct, got, tc.want)
		}
	}
}
