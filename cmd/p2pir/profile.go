package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"

	"github.com/p2pir/p2pir/usermodel"
	"github.com/spf13/cobra"
)

func newProfileCmd(a *app) *cobra.Command {
	var (
		asJSON  bool
		n       int
		sharing string
	)
	cmd := &cobra.Command{
		Use:   "profile [--json] [--sharing on|off]",
		Short: "Show your user model: interests, marks, and what peers can learn about you",
		Long: `Show what p2pir has learned from your marks: the strongest interest terms, the
terms you steer away from, your marks, and what peers can learn about you.

What peers can learn about you (when a node runs, with "p2pir node"):

  - The words you type, for searches that go to peers (the "peers" source;
    peers pass them on to their peers), with your node's ID: the query terms
    as you typed them, never the terms p2pir adds from the documents you
    marked. That expansion, and re-ranking the peers' answers with your
    profile, happen on your node.
  - With sharing on: your fingerprint, your interest terms hashed into a
    fixed-size vector (signed feature hashing, 1024 numbers), gossiped to every
    peer, with the number of your interest group; and a fingerprint of the
    typed terms of each search that goes to peers.
  - With sharing on: the URLs and titles of the documents you marked
    interested, sent to the peers of your cluster (the nodes whose
    fingerprints are nearest yours) that ask for recommendations. A node can
    claim any fingerprint, so treat them as public.
  - When you ask for recommendations ("p2pir recommend"): salted hashes of
    the URLs you marked, either way, to the peers asked. A peer can test
    whether a URL it knows is among them, not whether you liked it.
  - The name you give your node (p2pir node --name, or name in config.toml),
    if any, gossiped to every peer with its address.

Peers never receive your profile's terms in clear, the terms added to your
queries, searches you run without the peers source, your index, or your
files outside the folders you share ("p2pir index --share"; see
"p2pir index --list"). Web
search engines you configured receive what you type, as any search engine
does. --sharing off stops sharing the fingerprint and the liked documents;
the typed terms of searches that go to peers are still sent (use
--exclude peers on a search to keep it off the network).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if ri, ok := a.runningNode(); ok {
				switch sharing {
				case "":
				case "on", "off":
					// The running node owns the store: it changes the
					// setting, which takes effect at its next use.
					if err := nodeCall(ctx, ri, "POST", "/profile/sharing", nil, map[string]bool{"sharing": sharing == "on"}, &map[string]bool{}); err != nil {
						return err
					}
				default:
					return usageError{fmt.Errorf("--sharing takes on or off, not %q", sharing)}
				}
				var out map[string]any
				if err := nodeCall(ctx, ri, "GET", "/profile", nil, nil, &out); err != nil {
					return err
				}
				return writeJSONOut(a.stdout, out)
			}
			st, err := a.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			switch sharing {
			case "":
			case "on", "off":
				if err := st.SetSharing(ctx, sharing == "on"); err != nil {
					return err
				}
			default:
				return usageError{fmt.Errorf("--sharing takes on or off, not %q", sharing)}
			}
			p, err := st.Profile(ctx)
			if err != nil {
				return err
			}
			marks, err := st.Marks(ctx)
			if err != nil {
				return err
			}
			share, err := st.Sharing(ctx)
			if err != nil {
				return err
			}
			fp, err := usermodel.MakeFingerprint(p, usermodel.DefaultFingerprintDim)
			if err != nil {
				return err
			}
			if asJSON {
				return writeProfileJSON(a.stdout, p, marks, share, fp, n)
			}
			fmt.Fprintf(a.stdout, "marks:      %d (%d interested, %d not)\n", len(marks), countInterested(marks), len(marks)-countInterested(marks))
			fmt.Fprintf(a.stdout, "interests:  %s\n", termList(p.Interests(n)))
			fmt.Fprintf(a.stdout, "avoids:     %s\n", termList(p.Dislikes(n)))
			writePeersCanLearn(a.stdout, share, fp, likedWebPages(marks))
			for i := len(marks) - 1; i >= 0 && i >= len(marks)-n; i-- {
				m := marks[i]
				sign := "+"
				if !m.Interested {
					sign = "-"
				}
				fmt.Fprintf(a.stdout, "  %3d %s %s  %s  (%q)\n", m.Seq, sign, m.Time.Local().Format("2006-01-02 15:04"), oneLine(m.URL), oneLine(m.Query))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: interests, avoids, marks, shared fingerprint")
	cmd.Flags().IntVar(&n, "n", 15, "how many terms and marks to show")
	cmd.Flags().StringVar(&sharing, "sharing", "", "turn sharing your fingerprint and liked web pages with peers on or off")
	return cmd
}

// writePeersCanLearn prints what peers can learn about the person, as the
// command's help describes it, for the current sharing setting.
func writePeersCanLearn(w io.Writer, share bool, fp usermodel.Fingerprint, interested int) {
	fmt.Fprintln(w, "what peers can learn about you:")
	fmt.Fprintln(w, "  - the typed terms of searches that go to peers (never the terms added from your marks)")
	if !share {
		fmt.Fprintln(w, "  - nothing else: sharing is off (no fingerprint, no liked documents)")
		return
	}
	fmt.Fprintf(w, "  - your fingerprint: %d numbers (scheme %s, version %d, %d non-zero), to every peer\n",
		fp.Vec.Len(), usermodel.FingerprintScheme, fp.Version, nonZero(fp))
	fmt.Fprintf(w, "  - the URLs and titles of the %d web pages you marked interested, to peers of your cluster\n", interested)
}

// likedWebPages counts the http(s) URLs whose latest mark is interested:
// the documents a node offers peers of its cluster (files never leave).
func likedWebPages(marks []usermodel.Mark) int {
	latest := map[string]bool{}
	for _, m := range marks { // oldest first: later marks win
		if u, err := url.Parse(m.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			latest[m.URL] = m.Interested
		}
	}
	n := 0
	for _, interested := range latest {
		if interested {
			n++
		}
	}
	return n
}

func countInterested(ms []usermodel.Mark) int {
	n := 0
	for _, m := range ms {
		if m.Interested {
			n++
		}
	}
	return n
}

func nonZero(fp usermodel.Fingerprint) int {
	n := 0
	for _, x := range fp.Float32s() {
		if x != 0 {
			n++
		}
	}
	return n
}

func writeProfileJSON(w io.Writer, p usermodel.Profile, marks []usermodel.Mark, share bool, fp usermodel.Fingerprint, n int) error {
	type markJSON struct {
		Seq        uint64 `json:"seq"`
		QueryID    string `json:"query_id"`
		Query      string `json:"query"`
		URL        string `json:"url"`
		Interested bool   `json:"interested"`
		Time       string `json:"time"`
	}
	ms := make([]markJSON, 0, len(marks))
	for _, m := range marks {
		ms = append(ms, markJSON{m.Seq, m.QueryID, m.Query, m.URL, m.Interested, m.Time.UTC().Format("2006-01-02T15:04:05Z")})
	}
	// What peers can learn (see the help): the typed terms of searches that
	// go to peers always; with sharing on the fingerprint and the liked web
	// pages, to the peers of the cluster.
	shared := map[string]any{"enabled": share, "typed_query_terms": true}
	if share {
		shared["fingerprint"] = map[string]any{
			"scheme": usermodel.FingerprintScheme, "dim": fp.Vec.Len(), "version": fp.Version, "values": fp.Float32s(),
		}
		shared["liked_web_pages"] = likedWebPages(marks)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{
		"marks":     ms,
		"interests": nonNil(p.Interests(n)),
		"avoids":    nonNil(p.Dislikes(n)),
		"version":   p.Version,
		"shared":    shared,
	})
}

func nonNil(t []usermodel.TermWeight) []usermodel.TermWeight {
	if t == nil {
		return []usermodel.TermWeight{}
	}
	return t
}
