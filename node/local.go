package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/config"
	"github.com/p2pir/p2pir/metasearch"
	"github.com/p2pir/p2pir/usermodel"
)

// LocalOptions tunes OpenLocal. The zero value opens the data directory
// as the CLI does.
type LocalOptions struct {
	// Index tunes the local index. Default index.DefaultConfig().
	Index *index.Config
	// Store tunes the state store. Default usermodel.DefaultStoreOptions().
	Store *usermodel.StoreOptions
	// ExtraEngines are engines for this run besides config.toml's; one
	// with the name of a configured engine is that engine, asked this time
	// even if config.toml disables it.
	ExtraEngines []config.Engine
	// NoEngines leaves config.toml's engines and ExtraEngines out (a
	// simulated node asks only its index and its peers).
	NoEngines bool
	// NoCrawl leaves the focused crawl out.
	NoCrawl bool
	// TextTerms is the client agent's memo of analysed result text
	// (clientagent.Config.TextTerms). Default nil: none.
	TextTerms *clientagent.TextTerms
	// Trust says how the client agent learns each peer's trust. Default
	// nil: clientagent.DefaultTrustConfig().
	Trust *clientagent.TrustConfig
	// Logger receives the client agent's log lines (see
	// clientagent.Config.Logger). Default nil: discarded.
	Logger *slog.Logger
}

// Local is a node's local parts, assembled from its data directory: the
// index, the state store, config.toml and the client agent over them
// (local index, engines, focused crawl). The CLI's offline commands use it
// alone; Start adds the server agent and the peers as a source.
type Local struct {
	// Index is the local full-text index (DataDir/index).
	Index *index.Index
	// Store is the person's state (DataDir/state.db).
	Store *usermodel.Store
	// Agent is the client agent over Index and Store.
	Agent *clientagent.Agent
	// Config is config.toml as loaded (defaults when there is none).
	Config config.Config
}

// OpenLocal opens dataDir (creating it if needed): config.toml, the index
// and the state store, and wires the client agent from config.toml (its
// K and merge method, engines, focused crawl budgets). Close releases
// them; on error nothing stays open.
func OpenLocal(ctx context.Context, dataDir string, opts LocalOptions) (_ *Local, err error) {
	if dataDir == "" {
		return nil, errors.New("node: a data directory is required")
	}
	l := &Local{}
	if l.Config, err = config.Load(filepath.Join(dataDir, config.FileName)); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	defer func() {
		if err != nil {
			l.Close()
		}
	}()
	icfg := index.DefaultConfig()
	if opts.Index != nil {
		icfg = *opts.Index
	}
	if l.Index, err = index.Open(filepath.Join(dataDir, "index"), icfg); err != nil {
		return nil, err
	}
	sopts := usermodel.DefaultStoreOptions()
	if opts.Store != nil {
		sopts = *opts.Store
	}
	if l.Store, err = usermodel.OpenStore(filepath.Join(dataDir, "state.db"), sopts); err != nil {
		return nil, err // names the file and, when damaged, what to do
	}
	acfg := clientagent.DefaultConfig()
	acfg.K, acfg.Merge = l.Config.Search.K, l.Config.Search.Merge
	acfg.TextTerms = opts.TextTerms
	if opts.Trust != nil {
		acfg.Trust = *opts.Trust
	}
	acfg.Logger = opts.Logger
	if l.Agent, err = clientagent.New(l.Index, l.Store, acfg); err != nil {
		return nil, err
	}
	if !opts.NoEngines {
		if err := l.Agent.AddEngines(ctx, withExtra(l.Config.Engines, opts.ExtraEngines), metasearch.Options{}); err != nil {
			return nil, err
		}
	}
	if !opts.NoCrawl {
		fc := crawler.DefaultFocusedConfig()
		fc.MaxPages, fc.MaxTime = l.Config.Crawl.MaxPages, l.Config.Crawl.MaxTime.Duration
		l.Agent.EnableCrawl(clientagent.CrawlOptions{Focused: fc, Seeds: l.Config.Crawl.Seeds, Auto: l.Config.Crawl.Auto})
	}
	return l, nil
}

// withExtra is engines with extra added; an extra engine named like a
// configured one takes its Enabled.
func withExtra(engines, extra []config.Engine) []config.Engine {
	engines = slices.Clone(engines)
	for _, e := range extra {
		if i := slices.IndexFunc(engines, func(c config.Engine) bool { return c.Name == e.Name }); i >= 0 {
			engines[i].Enabled = e.Enabled
			continue
		}
		engines = append(engines, e)
	}
	return engines
}

// Close closes the store and the index. Closing twice does nothing.
func (l *Local) Close() error {
	var errs []error
	if l.Store != nil {
		errs = append(errs, l.Store.Close())
		l.Store = nil
	}
	if l.Index != nil {
		errs = append(errs, l.Index.Close())
		l.Index = nil
	}
	return errors.Join(errs...)
}
