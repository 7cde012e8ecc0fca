package node

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/internal/config"
)

// TestOpenLocalWiresTheAgentFromConfigFile: OpenLocal's client agent has
// config.toml's engines and K, plus the run's extra engines; NoEngines
// and NoCrawl leave engines and crawl out (a simulated node); Close frees
// the index and store for the next opening.
func TestOpenLocalWiresTheAgentFromConfigFile(t *testing.T) {
	dir := t.TempDir()
	file := "[search]\nk = 7\n[[engine]]\nname = \"searx\"\nkind = \"searxng\"\nurl = \"http://127.0.0.1:9\"\n"
	if err := os.WriteFile(filepath.Join(dir, config.FileName), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	extra, err := config.ParseEngineFlag("yacy=http://127.0.0.1:9")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts LocalOptions
		want []string
	}{
		{"as the CLI", LocalOptions{ExtraEngines: []config.Engine{extra}}, []string{clientagent.LocalName, "searx", extra.Name, clientagent.CrawlName}},
		{"a simulated node", LocalOptions{NoEngines: true, NoCrawl: true}, []string{clientagent.LocalName}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := OpenLocal(context.Background(), dir, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := l.Agent.SourceNames()
			if l.Config.Search.K != 7 || !slices.Equal(got, tc.want) {
				t.Errorf("sources %v, K %d; want %v, 7", got, l.Config.Search.K, tc.want)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
