package clientagent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/p2pir/p2pir/usermodel"
)

// remember records what a search showed, so marks can be checked against
// it and learned from.
func (a *Agent) remember(ctx context.Context, resp *Response, qvec usermodel.Vector) error {
	rec := usermodel.QueryRecord{
		ID: resp.QueryID, Text: resp.Query, Expanded: resp.Expanded, QueryVec: qvec, Time: a.now(),
	}
	for _, r := range resp.Results {
		rec.Results = append(rec.Results, usermodel.ShownResult{
			URL: r.URL, DocID: r.DocID, Title: r.Title, Content: r.Content, Source: r.Engines, Rank: r.Rank,
		})
	}
	if err := a.store.RecordQuery(ctx, rec); err != nil {
		return fmt.Errorf("clientagent: remember search: %w", err)
	}
	return nil
}

// Mark records that the person found the result url of search queryID
// interesting (or not), durably, and returns the mark and the new profile.
// The result must have been shown for that search
// (usermodel.ErrUnknownQuery, usermodel.ErrNotShown otherwise).
func (a *Agent) Mark(ctx context.Context, queryID, url string, interested bool) (usermodel.Mark, usermodel.Profile, error) {
	rec, ok, err := a.store.Query(ctx, queryID)
	if err != nil {
		return usermodel.Mark{}, usermodel.Profile{}, err
	}
	if !ok {
		return usermodel.Mark{}, usermodel.Profile{}, fmt.Errorf("%w: %q (searches are kept for the latest %d queries)", usermodel.ErrUnknownQuery, queryID, usermodel.DefaultStoreOptions().MaxQueries)
	}
	var shown *usermodel.ShownResult
	for i := range rec.Results {
		if rec.Results[i].URL == url {
			shown = &rec.Results[i]
			break
		}
	}
	if shown == nil {
		return usermodel.Mark{}, usermodel.Profile{}, fmt.Errorf("%w: %s was not among the results of search %s", usermodel.ErrNotShown, url, queryID)
	}
	doc, err := a.resultVector(ctx, *shown)
	if err != nil {
		return usermodel.Mark{}, usermodel.Profile{}, err
	}
	doc.Prune(a.store.Config().MaxDocTerms)
	m := usermodel.Mark{
		QueryID: queryID, Query: rec.Text, QueryVec: rec.QueryVec, URL: url, DocID: shown.DocID,
		Title: shown.Title, Source: shown.Source, Interested: interested, Time: a.now(), Doc: doc,
	}
	// The sources that brought the result learn from the mark too (their
	// Beta posterior), in the same transaction as the mark; a mark that
	// replaces an earlier one on the same result takes back what that one
	// taught them, so a result counts once.
	ch, err := a.store.AddMarkWith(ctx, m, func(tx usermodel.Tx, ch usermodel.MarkChange) error {
		if ch.Replaced != nil {
			if err := a.countMarkTx(tx, *ch.Replaced, -1); err != nil {
				return err
			}
		}
		return a.countMarkTx(tx, ch.Mark, 1)
	})
	if err != nil {
		return usermodel.Mark{}, usermodel.Profile{}, err
	}
	return ch.Mark, ch.Profile, nil
}

// countMarkTx adds (delta 1) or takes back (delta -1) mark m in the Beta
// posterior of each source that brought its result: a peer ("peer:ID")
// in its own trust (PeerTrust, decaying), any other source in its
// SourceStats.
func (a *Agent) countMarkTx(tx usermodel.Tx, m usermodel.Mark, delta float64) error {
	var sources, peers []string
	for _, name := range m.Source {
		if id, ok := PeerID(name); ok {
			peers = append(peers, id)
		} else {
			sources = append(sources, name)
		}
	}
	if err := updateStatsTx(tx, sources, func(st *SourceStats) { countMark(st, m.Interested, delta) }); err != nil {
		return fmt.Errorf("clientagent: source weights of mark %d: %w", m.Seq, err)
	}
	if len(peers) == 0 {
		return nil
	}
	pr, err := openPeerRecords(tx, a.cfg.Trust)
	if err != nil {
		return fmt.Errorf("clientagent: peer trust of mark %d: %w", m.Seq, err)
	}
	now := a.now()
	for _, id := range peers {
		if err := pr.countMark(id, now, m.Time, m.Interested, delta); err != nil {
			return fmt.Errorf("clientagent: peer trust of mark %d: %w", m.Seq, err)
		}
	}
	return nil
}

// countMark adds (delta 1) or takes back (delta -1) one mark in a source's
// Beta posterior.
func countMark(st *SourceStats, interested bool, delta float64) {
	if interested {
		st.Alpha = max(1, st.Alpha+delta)
	} else {
		st.Beta = max(1, st.Beta+delta)
	}
}

// resultVector is the tf-idf vector of a shown result: of the whole
// document when it is in the local index, else of its title and snippet.
func (a *Agent) resultVector(ctx context.Context, r usermodel.ShownResult) (usermodel.Vector, error) {
	if r.DocID != "" {
		if tf, err := a.ix.TermVector(ctx, r.DocID); err == nil {
			return usermodel.TFVector(ctx, a.ix, tf)
		}
	}
	return usermodel.TextVector(ctx, a.ix, r.Title+"\n"+r.Content)
}

// Undo takes back the latest mark, in the profile and in the weights of
// the sources that brought the result, in one transaction; if the mark had
// replaced an earlier one on the same result, that one counts again.
func (a *Agent) Undo(ctx context.Context) (usermodel.Mark, usermodel.Profile, error) {
	return a.undo(ctx, nil)
}

// ErrNotLatestMark is in the chain of UndoMark's error when the latest
// mark is on another result.
var ErrNotLatestMark = errors.New("clientagent: the latest mark is on another result")

// UndoMark is Undo when the latest mark is on url (in any search), and
// an error with ErrNotLatestMark in its chain, with nothing undone,
// otherwise: a page that offers to undo the mark on one result must not
// take back a mark made on another result since (in another tab, say).
func (a *Agent) UndoMark(ctx context.Context, url string) (usermodel.Mark, usermodel.Profile, error) {
	return a.undo(ctx, func(m usermodel.Mark) error {
		if m.URL != url {
			return fmt.Errorf("%w: it is on %s, not %s", ErrNotLatestMark, m.URL, url)
		}
		return nil
	})
}

// undo takes back the latest mark if check (when not nil) accepts it, in
// the same transaction.
func (a *Agent) undo(ctx context.Context, check func(usermodel.Mark) error) (usermodel.Mark, usermodel.Profile, error) {
	ch, err := a.store.UndoWith(ctx, func(tx usermodel.Tx, ch usermodel.MarkChange) error {
		if check != nil {
			if err := check(ch.Mark); err != nil {
				return err
			}
		}
		if err := a.countMarkTx(tx, ch.Mark, -1); err != nil {
			return err
		}
		if ch.Replaced != nil {
			return a.countMarkTx(tx, *ch.Replaced, 1)
		}
		return nil
	})
	if err != nil {
		return usermodel.Mark{}, usermodel.Profile{}, err
	}
	return ch.Mark, ch.Profile, nil
}

// Sources returns what the agent knows of each source: configured ones
// first, in order, then any others with recorded statistics. A source
// that relays peers (SourceOptions.PerPeer) carries the peers' own trust
// in SourceStats.Peers: how many are kept and the Config.ListPeers with
// the most evidence.
func (a *Agent) Sources(ctx context.Context) ([]SourceStats, error) {
	// The latest searches' health may still be held for the background
	// writer: the person sees it.
	if err := a.store.FlushQueries(ctx); err != nil {
		return nil, err
	}
	all, err := a.stats.all(ctx)
	if err != nil {
		return nil, err
	}
	byName := map[string]SourceStats{}
	for _, s := range all {
		byName[s.Name] = s
	}
	var out []SourceStats
	for _, e := range a.sourceList() {
		st, ok := byName[e.name]
		if !ok {
			st = newStats(e.name)
		}
		if e.perPeer {
			g, err := a.PeerGroup(ctx)
			if err != nil {
				return nil, err
			}
			st.Peers = &g
		}
		out = append(out, st)
		delete(byName, e.name)
	}
	for _, s := range all {
		if _, ok := byName[s.Name]; ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// PeerGroup is the peers' trust as Sources groups it: how many peers are
// kept and the Config.ListPeers with the most evidence.
func (a *Agent) PeerGroup(ctx context.Context) (PeerGroup, error) {
	peers, err := a.Peers(ctx)
	if err != nil {
		return PeerGroup{}, err
	}
	return PeerGroup{Count: len(peers), Top: peers[:min(len(peers), a.cfg.ListPeers)]}, nil
}

// Stranger is the trust of a peer never seen or never marked: the prior,
// whose mean is the local index's learned precision (PeerTrust).
func (a *Agent) Stranger(ctx context.Context) (PeerTrust, error) {
	var out PeerTrust
	err := a.store.ViewTx(ctx, "peer trust", func(tx usermodel.Tx) error {
		pr, err := openPeerRecords(tx, a.cfg.Trust)
		if err != nil {
			return err
		}
		out = peerRecord{}.trust("", a.now(), a.cfg.Trust.HalfLife, pr.prior)
		return nil
	})
	if err != nil {
		return PeerTrust{}, fmt.Errorf("clientagent: peer trust: %w", err)
	}
	return out, nil
}

// PeerChoices are what the person taught the agent about its peers, for
// routing. liked are the peers whose results the person marked
// interested (at least one liked result left after decay), by node ID,
// each with the share of its marked results that were liked, decayed as
// its trust is: what interest routing asks first
// (serveragent.PeerQuery.Shortcuts); nil when there are none. ignored
// are the peers the person kept rejecting (PeerTrust.Ignored), which are
// not asked (serveragent.PeerQuery.Avoid). It is read on every search
// that goes to the peers, so unlike Peers it does not first write the
// updates held for the background writer: those (Store.UpdateTxLater:
// which peers answered, and when) change no mark count, so the shares
// are the same with or without them; the one difference is a peer that a
// held first answer of a new peer will push out (TrustConfig.MaxPeers,
// the peer seen least recently), which still counts here until the
// write, at most StoreOptions.QueryLogDelay later.
func (a *Agent) PeerChoices(ctx context.Context) (liked map[string]float64, ignored []string, err error) {
	now := a.now()
	err = a.store.ViewTx(ctx, "peer trust", func(tx usermodel.Tx) error {
		pr, err := openPeerRecords(tx, a.cfg.Trust)
		if err != nil {
			return err
		}
		return pr.r.ForEach(func(id string, v []byte) error {
			var rec peerRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("trust of peer %s: %w", id, err)
			}
			p := rec.trust(id, now, pr.cfg.HalfLife, pr.prior)
			if p.Ignored {
				ignored = append(ignored, id)
				return nil
			}
			if p.Interested < 1 {
				return nil // no liked result (after decay): no shortcut
			}
			if liked == nil {
				liked = make(map[string]float64)
			}
			liked[id] = p.Interested / p.Evidence()
			return nil
		})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("clientagent: peer trust: %w", err)
	}
	return liked, ignored, nil
}

// Peers returns the trust learned of every peer kept
// (TrustConfig.MaxPeers at most), decayed to now, the peers with the most
// evidence first.
func (a *Agent) Peers(ctx context.Context) ([]PeerTrust, error) {
	if err := a.store.FlushQueries(ctx); err != nil { // answers still held
		return nil, err
	}
	var out []PeerTrust
	err := a.store.ViewTx(ctx, "peer trust", func(tx usermodel.Tx) error {
		pr, err := openPeerRecords(tx, a.cfg.Trust)
		if err != nil {
			return err
		}
		out, err = pr.all(a.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("clientagent: peer trust: %w", err)
	}
	if out == nil {
		out = []PeerTrust{}
	}
	return out, nil
}
