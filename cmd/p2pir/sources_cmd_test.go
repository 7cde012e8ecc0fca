package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// searxngStub answers like SearXNG's /search?format=json with two results,
// one of them a tracking-parameter twin of a page the other stub returns.
func searxngStub(t *testing.T, urls ...string) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/search" || r.URL.Query().Get("format") != "json" {
			http.NotFound(w, r)
			return
		}
		var res []map[string]any
		for i, u := range urls {
			res = append(res, map[string]any{"url": u, "title": fmt.Sprintf("Result %d about glaciers", i+1), "content": "glacier ice " + u, "engine": "stub", "score": float64(len(urls) - i)})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"query": r.URL.Query().Get("q"), "number_of_results": len(res), "results": res})
	}))
	t.Cleanup(s.Close)
	return s
}

// TestSearchMergesEnginesInSearXNGShape: engines from config.toml and from
// --engine are asked with the local index, results are merged across
// scheme and tracking-parameter variants with every engine and position
// kept, a dead engine is listed as unresponsive, and p2pir sources shows
// them all; a mark teaches the engines' weights.
func TestSearchMergesEnginesInSearXNGShape(t *testing.T) {
	dir := t.TempDir()
	a := searxngStub(t, "https://www.example.org/glaciers?utm_source=feed", "https://example.org/ice")
	b := searxngStub(t, "http://example.org/glaciers", "https://example.net/moraine")
	cfg := fmt.Sprintf("[[engine]]\nname = \"alpha\"\nkind = \"searxng\"\nurl = %q\n\n[[engine]]\nname = \"dead\"\nkind = \"yacy\"\nurl = \"http://127.0.0.1:1\"\ntimeout = \"500ms\"\n", a.URL)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	r := mustRunCLI(t, dir, "search", "--json", "--engine", "searxng="+b.URL, "glaciers")
	var out struct {
		QueryID string `json:"query_id"`
		Results []struct {
			URL       string   `json:"url"`
			Engine    string   `json:"engine"`
			Engines   []string `json:"engines"`
			Positions []int    `json:"positions"`
		} `json:"results"`
		Unresponsive []struct{ Engine, Error string } `json:"unresponsive"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("JSON: %v\n%s", err, r.stdout)
	}
	if len(out.Results) != 3 {
		t.Fatalf("want 3 merged results (the glaciers page once), got %+v", out.Results)
	}
	first := out.Results[0]
	if !strings.Contains(first.URL, "example.org/glaciers") || len(first.Engines) != 2 || first.Positions[0] != 1 || first.Positions[1] != 1 {
		t.Fatalf("first result %+v, want the glaciers page from both engines at position 1", first)
	}
	if len(out.Unresponsive) != 1 || out.Unresponsive[0].Engine != "dead" {
		t.Fatalf("unresponsive = %+v, want the dead engine", out.Unresponsive)
	}
	mustRunCLI(t, dir, "mark", out.QueryID, first.URL, "+")
	src := mustRunCLI(t, dir, "sources", "--json")
	var stats []struct {
		Name       string  `json:"name"`
		Interested int     `json:"interested"`
		Factor     float64 `json:"weight_factor"`
		Failures   int     `json:"failures"`
	}
	if err := json.Unmarshal([]byte(src.stdout), &stats); err != nil {
		t.Fatalf("sources JSON: %v\n%s", err, src.stdout)
	}
	byName := map[string]int{}
	for i, s := range stats {
		byName[s.Name] = i
	}
	if s := stats[byName["alpha"]]; s.Interested != 1 || s.Factor <= 1 {
		t.Errorf("alpha after an interested mark: %+v, want 1 interested, weight factor > 1", s)
	}
	if s := stats[byName["dead"]]; s.Failures != 1 {
		t.Errorf("dead engine: %+v, want 1 failure", s)
	}
}

// TestOneOffEnginesOnOtherPortsAreOtherEngines: --engine names an engine
// by its whole endpoint, so failures of engines on two dead ports of a
// host, enough to suspend one engine, do not stop a live engine on a third
// port of the same host from being asked.
func TestOneOffEnginesOnOtherPortsAreOtherEngines(t *testing.T) {
	dir := t.TempDir()
	var dead []string
	for range 2 {
		s := httptest.NewServer(http.NotFoundHandler())
		dead = append(dead, s.URL)
		s.Close() // nothing listens on its port any more
	}
	live := searxngStub(t, "https://example.org/glaciers")
	for range 3 {
		for _, u := range dead {
			r := mustRunCLI(t, dir, "search", "--json", "--engine", "searxng="+u, "glaciers")
			if !strings.Contains(r.stdout, `"unresponsive"`) || !strings.Contains(r.stdout, "searxng-") {
				t.Fatalf("the dead engine %s was not reported: %s", u, r.stdout)
			}
		}
	}
	var out struct {
		Results []struct {
			URL    string `json:"url"`
			Engine string `json:"engine"`
		} `json:"results"`
		Unresponsive []struct{ Engine, Error string } `json:"unresponsive"`
	}
	r := mustRunCLI(t, dir, "search", "--json", "--engine", "searxng="+live.URL, "glaciers")
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("JSON: %v\n%s", err, r.stdout)
	}
	want := "searxng-" + strings.TrimPrefix(live.URL, "http://")
	if len(out.Results) != 1 || out.Results[0].Engine != want || len(out.Unresponsive) != 0 {
		t.Fatalf("results %+v, unresponsive %+v: want the live engine %s asked and answering", out.Results, out.Unresponsive, want)
	}
}
