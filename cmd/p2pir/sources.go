package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/node"
	"github.com/spf13/cobra"
)

func newSourcesCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sources [--json]",
		Short: "Show the sources searches ask, how they are doing and what your marks taught about them",
		Long: `List the sources a search asks: the local index, the engines in config.toml
(see docs/config.example.toml) and, with a node, the peers. For each: the
learned precision (a Beta posterior over your marks on the results it brought,
which scales its weight in fusion), how many searches it answered or failed,
and whether it is suspended after failing repeatedly.

Each peer is a source of its own: a mark teaches only the peers that found the
result, and marks lose half their weight every 30 days, so a peer's trust
follows what it brings now; a peer never marked weighs what your own index
weighs. Under "peers" the listing shows the peers whose
trust rests on the most marks, and how many peers are known; "p2pir peers"
shows every connected peer's trust.

"p2pir sources add", "disable", "enable" and "remove" change the engines in
config.toml, through the running node when there is one (it applies the
change at once).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var stats []clientagent.SourceStats
			disabled := map[string]bool{}
			if ri, ok := a.runningNode(); ok {
				var rows []struct {
					clientagent.SourceStats
					Configured bool `json:"configured"`
					Enabled    bool `json:"enabled"`
				}
				if err := nodeCall(cmd.Context(), ri, "GET", "/sources", nil, nil, &rows); err != nil {
					return err
				}
				for _, r := range rows {
					stats = append(stats, r.SourceStats)
					disabled[r.Name] = r.Configured && !r.Enabled
				}
			} else {
				ag, closeAll, err := a.openAgent(cmd.Context())
				if err != nil {
					return err
				}
				defer closeAll()
				if stats, err = ag.Sources(cmd.Context()); err != nil {
					return err
				}
				for _, s := range ag.SourceSettings() {
					disabled[s.Name] = !s.Enabled
				}
				// Without a node there is no peers source to ask, but the
				// trust learned of the peers is in the state file.
				g, err := ag.PeerGroup(cmd.Context())
				if err != nil {
					return err
				}
				if g.Count > 0 {
					at := -1
					for i, s := range stats {
						if s.Name == node.PeersSource {
							at = i
						}
					}
					if at < 0 {
						stats = append(stats, clientagent.SourceStats{Name: node.PeersSource, Alpha: 1, Beta: 1})
						at = len(stats) - 1
					}
					stats[at].Peers = &g
				}
			}
			if asJSON {
				return writeSourcesJSON(a.stdout, stats)
			}
			writeSourcesText(a.stdout, stats, disabled, time.Now())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(newSourcesAddCmd(a), newSourcesToggleCmd(a, false), newSourcesToggleCmd(a, true), newSourcesRemoveCmd(a))
	return cmd
}

// sourceRow is one source in "p2pir sources --json".
type sourceRow struct {
	Name           string                 `json:"name"`
	Precision      float64                `json:"precision"`
	WeightFactor   float64                `json:"weight_factor"`
	Interested     int                    `json:"interested"`
	NotInterested  int                    `json:"not_interested"`
	Queries        uint64                 `json:"queries"`
	Failures       uint64                 `json:"failures"`
	SuspendedUntil time.Time              `json:"suspended_until,omitzero"`
	LastError      string                 `json:"last_error,omitempty"`
	Peers          *clientagent.PeerGroup `json:"peers,omitempty"`
}

func writeSourcesJSON(w io.Writer, stats []clientagent.SourceStats) error {
	rows := make([]sourceRow, 0, len(stats))
	for _, s := range stats {
		rows = append(rows, sourceRow{s.Name, s.Precision(), s.WeightFactor(), int(s.Alpha - 1), int(s.Beta - 1), s.Queries, s.Failures, s.SuspendedUntil, s.LastError, s.Peers})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}

// writeSourcesText prints the sources as a table; disabled names the
// engines a search asks only when it names them.
func writeSourcesText(w io.Writer, stats []clientagent.SourceStats, disabled map[string]bool, now time.Time) {
	fmt.Fprintf(w, "%-28s %9s %7s %8s %8s  %s\n", "source", "precision", "weight", "queries", "failures", "state")
	for _, s := range stats {
		state := "ok"
		if disabled[s.Name] {
			state = "disabled: asked only with --source " + s.Name
		} else if s.Suspended(now) {
			state = fmt.Sprintf("suspended until %s: %s", s.SuspendedUntil.Local().Format("15:04:05"), oneLine(s.LastError))
		} else if s.Consecutive > 0 {
			state = fmt.Sprintf("%d failures in a row: %s", s.Consecutive, oneLine(s.LastError))
		}
		fmt.Fprintf(w, "%-28s %9.2f %6.2fx %8d %8d  %s\n", s.Name, s.Precision(), s.WeightFactor(), s.Queries, s.Failures, state)
		if s.Peers == nil {
			continue
		}
		for _, p := range s.Peers.Top {
			fmt.Fprintf(w, "  %-26s %9.2f %6.2fx %8d %8s  %s\n", fit(peerLabel(p.Name, p.NodeID), 26), p.Precision, p.WeightFactor, p.Answers, "", marksSummary(p))
		}
		if more := s.Peers.Count - len(s.Peers.Top); more > 0 {
			fmt.Fprintf(w, "  … and %d more %s (p2pir peers lists every connected peer)\n", more, plural(more, "peer", "peers"))
		} else if s.Peers.Count == 0 {
			fmt.Fprintln(w, "  no peer has brought results yet")
		}
	}
}

// marksSummary says what a peer's trust rests on: "3.0 liked, 1.0 not
// (decayed)", or "no marks yet".
func marksSummary(p clientagent.PeerTrust) string {
	if p.Evidence() < 0.05 {
		return "no marks yet: trusted as any stranger"
	}
	return fmt.Sprintf("marks (decayed): %.1f interested, %.1f not", p.Interested, p.NotInterested)
}

// peerLabel names a peer for people: its announced name and short ID,
// or the short ID alone. A name is the peer's claim: whatever the node
// let through, characters that could garble a terminal are left out.
func peerLabel(name, id string) string {
	short := shortID(id)
	name = oneLine(stripInvisible(name))
	if name == "" {
		return short
	}
	return fmt.Sprintf("%s (%s)", name, short)
}

// shortID is the first 12 characters of a node ID ("p2p1" and 8 more).
func shortID(id string) string {
	r := []rune(oneLine(id))
	if len(r) > 12 {
		return string(r[:12])
	}
	return string(r)
}

// stripInvisible drops formatting characters (bidirectional overrides,
// zero-width spaces).
func stripInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

// fit cuts s to n runes, ending in "…" when cut.
func fit(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
