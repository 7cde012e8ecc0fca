package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Claim: the summary calls a run flat when memory and goroutines level
// off after the warm-up, and not flat when one keeps growing through the
// second half (a leak), whichever it is.
func TestSummaryTellsALeakFromAWarmUp(t *testing.T) {
	series := func(rss, heap func(i int) uint64, gor func(i int) int) []sample {
		var out []sample
		for i := range 40 {
			out = append(out, sample{elapsed: time.Duration(i+1) * 5 * time.Second, rss: rss(i), heap: heap(i), goroutines: gor(i), searches: 50})
		}
		return out
	}
	const mib = 1 << 20
	warm := func(i int) uint64 { return uint64(100+min(i, 15)*2) * mib } // grows, then levels off
	flatG := func(i int) int { return 200 + i%3 }
	for _, tc := range []struct {
		name    string
		samples []sample
		flat    bool
		says    string
	}{
		{"warm-up then level", series(warm, warm, flatG), true, "stayed flat"},
		{"RSS leaking", series(func(i int) uint64 { return uint64(100+3*i) * mib }, warm, flatG), false, "RSS        second half"},
		{"goroutines leaking", series(warm, warm, func(i int) int { return 200 + 5*i }), false, "goroutines second half"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			got := summarise(&out, options{flat: 0.10}, tc.samples, []float64{10, 20, 30})
			if got != tc.flat || !strings.Contains(out.String(), tc.says) {
				t.Errorf("flat %v, want %v; summary:\n%s", got, tc.flat, out.String())
			}
			if !tc.flat && !strings.Contains(out.String(), "GROWING") {
				t.Errorf("the growing series is not named:\n%s", out.String())
			}
		})
	}
}
