package testenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// Golden files of JSON answers: the API's routes (node) and the CLI's
// --json commands (cmd/p2pir) are compared with testdata/golden files
// after Normalise, and checked against the JSON conventions of
// docs/API.md with StyleProblems.

var (
	timeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)
	hexRE  = regexp.MustCompile(`^[0-9a-f]{16,}$`)
	keyRE  = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	// PortRE matches a loopback address with its port.
	PortRE = regexp.MustCompile(`(127\.0\.0\.1|localhost|\[::1\]):\d+`)
)

// JSONEscaped is s as it appears inside a JSON string.
func JSONEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// Normalise replaces, in decoded JSON, the values that change from run
// to run: times (RFC 3339 strings) by "TIME", durations (keys ending in
// _ms) by 0, query IDs by "QUERY_ID", long hexadecimal strings by
// "HEX_ID", the values of the volatile keys (a process ID, a file's
// size) by 0; other numbers are rounded to 4 decimals (trust decays with
// the wall clock in the 10th). v is changed in place and returned.
func Normalise(v any, volatile ...string) any { return normalise(v, "", volatile) }

func normalise(v any, key string, volatile []string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalise(e, k, volatile)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalise(e, key, volatile)
		}
		return x
	case string:
		switch {
		case timeRE.MatchString(x):
			return "TIME"
		case key == "query_id":
			return "QUERY_ID"
		case hexRE.MatchString(x):
			return "HEX_ID"
		}
		return x
	case float64:
		if strings.HasSuffix(key, "_ms") || slices.Contains(volatile, key) {
			return 0.0
		}
		return math.Round(x*1e4) / 1e4
	}
	return v
}

// StyleProblems lists what in decoded JSON breaks the conventions of
// docs/API.md: a key not in snake_case, a key naming a time span without
// _ms, a null. Objects under a key in dataKeys are maps keyed by data
// (node IDs), whose keys are not names.
func StyleProblems(v any, dataKeys ...string) []string {
	return styleProblems(v, "", "", dataKeys)
}

func styleProblems(v any, at, key string, dataKeys []string) []string {
	var out []string
	switch x := v.(type) {
	case nil:
		out = append(out, fmt.Sprintf("null at %s: an empty list is [], an unknown value is left out", at))
	case []any:
		for i, e := range x {
			out = append(out, styleProblems(e, fmt.Sprintf("%s[%d]", at, i), key, dataKeys)...)
		}
	case map[string]any:
		data := false
		for _, d := range dataKeys {
			data = data || key == d
		}
		for k, e := range x {
			path := at + "." + k
			if !data {
				if !keyRE.MatchString(k) {
					out = append(out, fmt.Sprintf("key %s is not snake_case", path))
				}
				for _, span := range []string{"took", "rtt", "latency", "elapsed", "timeout", "delay", "duration"} {
					if strings.Contains(k, span) && !strings.HasSuffix(k, "_ms") {
						out = append(out, fmt.Sprintf("key %s names a time span but does not say _ms", path))
					}
				}
			}
			out = append(out, styleProblems(e, path, k, dataKeys)...)
		}
	}
	return out
}

// KeysOf lists the distinct object keys in decoded JSON, sorted, but for
// those of objects under a key in dataKeys.
func KeysOf(v any, dataKeys ...string) []string {
	seen := map[string]bool{}
	var walk func(v any, parent string)
	walk = func(v any, parent string) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, parent)
			}
		case map[string]any:
			data := false
			for _, d := range dataKeys {
				data = data || parent == d
			}
			for k, e := range x {
				if !data {
					seen[k] = true
				}
				walk(e, k)
			}
		}
	}
	walk(v, "")
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// CheckGolden compares v, written as indented JSON, with the file at
// path; with update, it writes the file instead.
func CheckGolden(t *testing.T, path string, v any, update bool) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%s: %v (run the test with -update to write it)", path, err)
		return
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s differs from the answer (if the change is meant, run with -update and review the diff):\n%s", path, LineDiff(string(want), buf.String()))
	}
}

// LineDiff lists the first lines (at most 12) that differ between want
// and got, position by position, for a test failure.
func LineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := 0; i < max(len(w), len(g)) && len(out) < 12; i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			out = append(out, fmt.Sprintf("line %d: want %s\n         got  %s", i+1, a, b))
		}
	}
	return strings.Join(out, "\n")
}
