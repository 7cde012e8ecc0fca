package crawler

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestFocusedConfigDefaults checks that zero fields take the documented
// defaults, that set fields are kept, and that a non-zero FocusScoring is
// used as given (so a weight can be 0).
func TestFocusedConfigDefaults(t *testing.T) {
	got, err := FocusedConfig{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultFocusedConfig(); !reflect.DeepEqual(got, want) {
		t.Errorf("zero config = %+v, want %+v", got, want)
	}
	want := FocusedConfig{MaxPages: 30, MaxTime: 10 * time.Second, MaxDepth: 4, Parallelism: 4, HostParallelism: 2,
		Delay: 200 * time.Millisecond, UserAgent: DefaultUserAgent, RequestTimeout: 5 * time.Second, MaxBodySize: 2 << 20,
		LeadRatio: 0.5, LeadWait: time.Second, BatchSize: 8, RelevantThreshold: 0.15,
		Scoring: FocusScoring{Anchor: 0.4, URL: 0.1, Parent: 0.5, Decay: 0.5, DepthBonus: 0.05, HostPenalty: 0.005}}
	if !reflect.DeepEqual(DefaultFocusedConfig(), want) {
		t.Errorf("DefaultFocusedConfig = %+v, want the documented %+v", DefaultFocusedConfig(), want)
	}

	set := FocusedConfig{MaxPages: 5, Delay: time.Millisecond, SameHostOnly: true, RelevantThreshold: 0.5, Scoring: FocusScoring{DepthBonus: 1}}
	got, err = set.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if got.MaxPages != 5 || got.Delay != time.Millisecond || !got.SameHostOnly || got.RelevantThreshold != 0.5 || got.MaxDepth != 4 {
		t.Errorf("set fields not kept or zero ones not filled: %+v", got)
	}
	if got.Scoring != (FocusScoring{DepthBonus: 1}) {
		t.Errorf("Scoring = %+v, want {DepthBonus: 1} as given", got.Scoring)
	}
	wc := got.webConfig()
	if wc.MaxPages != 5 || wc.Delay != time.Millisecond || wc.Parallelism != got.HostParallelism || wc.BatchSize != got.BatchSize || wc.UserAgent != got.UserAgent {
		t.Errorf("webConfig = %+v does not carry the focused settings", wc)
	}
}

// TestFocusedConfigRejects checks that every bad field is named in one
// error.
func TestFocusedConfigRejects(t *testing.T) {
	_, err := FocusedConfig{MaxPages: -1, Parallelism: -2, BatchSize: -3, LeadRatio: 2, LeadWait: -1, Scoring: FocusScoring{URL: -1}}.withDefaults()
	if err == nil {
		t.Fatal("no error for negative fields")
	}
	for _, name := range []string{"MaxPages", "Parallelism", "BatchSize", "LeadRatio", "LeadWait", "Scoring.URL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
}
