package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/clientagent"
)

// fieldTree is a JSON shape by its keys: a key with no children stands
// for any value.
type fieldTree map[string]fieldTree

// parseFields reads the shape "search --help" gives for --json:
// {"a", "b": [{"c"}], "d": {"e"}}.
func parseFields(s string) (fieldTree, error) {
	p := &fieldParser{s: s}
	t, err := p.object()
	if err != nil {
		return nil, err
	}
	if p.skipSpace(); p.i != len(p.s) {
		return nil, fmt.Errorf("text after the shape at %d: %q", p.i, p.s[p.i:])
	}
	return t, nil
}

type fieldParser struct {
	s string
	i int
}

func (p *fieldParser) skipSpace() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *fieldParser) eat(c byte) bool {
	if p.skipSpace(); p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *fieldParser) object() (fieldTree, error) {
	if !p.eat('{') {
		return nil, fmt.Errorf("want { at %d: %q", p.i, p.s[p.i:])
	}
	t := fieldTree{}
	for {
		if !p.eat('"') {
			return nil, fmt.Errorf("want a quoted key at %d: %q", p.i, p.s[p.i:])
		}
		end := strings.IndexByte(p.s[p.i:], '"')
		if end < 0 {
			return nil, fmt.Errorf("unterminated key at %d", p.i)
		}
		key := p.s[p.i : p.i+end]
		p.i += end + 1
		if _, dup := t[key]; dup {
			return nil, fmt.Errorf("key %q twice", key)
		}
		t[key] = nil
		if p.eat(':') {
			list := p.eat('[')
			sub, err := p.object()
			if err != nil {
				return nil, err
			}
			if list && !p.eat(']') {
				return nil, fmt.Errorf("want ] at %d: %q", p.i, p.s[p.i:])
			}
			t[key] = sub
		}
		if p.eat('}') {
			return t, nil
		}
		if !p.eat(',') {
			return nil, fmt.Errorf("want , or } at %d: %q", p.i, p.s[p.i:])
		}
	}
}

// typeFields is the JSON shape of t by its fields' json tags, down to
// the depth of want (a key want leaves without children is not followed).
func typeFields(t reflect.Type, want fieldTree) fieldTree {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	out := fieldTree{}
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Time]() {
		return out
	}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = nil
		if sub, ok := want[name]; ok && sub != nil {
			out[name] = typeFields(f.Type, sub)
		}
	}
	return out
}

// diffFields lists the keys of got that want lacks and those of want that
// got lacks, as paths.
func diffFields(path string, got, want fieldTree) (extra, missing []string) {
	for k, sub := range got {
		w, ok := want[k]
		if !ok {
			extra = append(extra, path+k)
			continue
		}
		if w != nil || sub != nil {
			e, m := diffFields(path+k+".", sub, w)
			extra, missing = append(extra, e...), append(missing, m...)
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			missing = append(missing, path+k)
		}
	}
	return extra, missing
}

// printedNotListed lists the keys of the JSON value v that the shape
// does not list, as paths (below a key listed without children, none).
func printedNotListed(path string, v any, shape fieldTree) []string {
	var out []string
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			out = append(out, printedNotListed(path, e, shape)...)
		}
	case map[string]any:
		for k, e := range v {
			sub, ok := shape[k]
			if !ok {
				out = append(out, path+k)
				continue
			}
			if sub != nil {
				out = append(out, printedNotListed(path+k+".", e, sub)...)
			}
		}
	}
	return out
}

// TestSearchHelpListsTheJSONFields: "search --help" lists the fields
// "search --json" prints, no more and no fewer: the list is checked
// against the answer's type (every field it can print, those left out
// when empty too) and against what the command printed in its golden
// runs (testdata/golden/json/search.json, pinned to the real output by
// TestEveryJSONCommandPrintsItsGolden).
func TestSearchHelpListsTheJSONFields(t *testing.T) {
	help := mustRunCLI(t, t.TempDir(), "search", "--help").stdout
	_, rest, ok := strings.Cut(help, "--json")
	if !ok {
		t.Fatalf("search --help has no --json:\n%s", help)
	}
	_, rest, ok = strings.Cut(rest, "print JSON: ")
	shapeText, _, ok2 := strings.Cut(rest, " (durations in milliseconds")
	if !ok || !ok2 {
		t.Fatalf("search --help's --json does not list its fields as \"print JSON: {...} (durations in milliseconds...\":\n%s", help)
	}
	listed, err := parseFields(shapeText)
	if err != nil {
		t.Fatalf("search --help's field list does not parse: %v\n%s", err, shapeText)
	}

	fromType := typeFields(reflect.TypeFor[clientagent.Response](), listed)
	extra, missing := diffFields("", fromType, listed)
	slices.Sort(extra)
	slices.Sort(missing)
	if len(extra) > 0 {
		t.Errorf("search --json can print fields its help does not list: %v", extra)
	}
	if len(missing) > 0 {
		t.Errorf("search --help lists fields the answer does not have: %v", missing)
	}

	raw, err := os.ReadFile(filepath.Join("testdata", "golden", "json", "search.json"))
	if err != nil {
		t.Fatal(err)
	}
	var runs []jsonRun
	if err := json.Unmarshal(raw, &runs); err != nil {
		t.Fatal(err)
	}
	printed := 0
	for _, r := range runs {
		if r.Exit != 0 {
			continue
		}
		printed++
		if bad := printedNotListed("", r.Stdout, listed); len(bad) > 0 {
			t.Errorf("p2pir %s printed fields search --help does not list: %v", strings.Join(r.Args, " "), bad)
		}
	}
	if printed == 0 {
		t.Fatal("the golden holds no search that printed JSON")
	}
}
