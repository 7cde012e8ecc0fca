package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/p2pir/p2pir/node"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/config"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/usermodel"
	"github.com/spf13/cobra"
)

func newSearchCmd(a *app) *cobra.Command {
	var (
		k         int
		asJSON    bool
		noProfile bool
		sources   []string
		exclude   []string
		engines   []string
		merge     string
		timeout   time.Duration
		crawl     bool
		explain   bool
	)
	cmd := &cobra.Command{
		Use:   "search [flags] QUERY...",
		Short: "Search the local index, personalised by your marks",
		Long: `Search the local index with BM25 ranking. Your user model (built from the
results you marked with "p2pir mark") reformulates the query and re-ranks and
filters the results; --no-profile turns it off for one search.

Query syntax:
  words            any may match; documents with more of them rank higher
  "a phrase"       these words, in this order (stop words count, no stemming)
  +word -word      must / must not appear (also +"phrase" and -"phrase")
  source:file      only documents from the files crawler (or source:web)
  site:example.org only documents from that host and its subdomains
  lang:de          only documents in that language (en de fr es it nl pt
                   sv da no fi ru hu ro tr ar el ja ko zh); each document
                   is analysed (stemmed) in its own language, and the
                   query in every language the index holds (in English
                   and its own language alone when that is clear)

Everything after the first word of the query is the query, "-word" too:
  p2pir search +goroutine -channel
A query that starts with "-" needs "--" before it: p2pir search -- -draft notes

Each search prints its query ID; mark results with
  p2pir mark QUERY_ID URL +   (interested)   or   p2pir mark QUERY_ID URL -

--explain shows each result's score (what the results are ordered by: the
fused score of the sources, blended with your profile's similarity when it
re-ranked them), every source that found it with its rank there, and why
it is where it is.`,
		Example: `  p2pir search boundary layer
  p2pir search --k 20 --json '"heat transfer" -turbulent'`,
		Args: minArgs(1, "QUERY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("k") && (k < 1 || k > index.MaxK) {
				return usageError{fmt.Errorf("--k must be between 1 and %d", index.MaxK)}
			}
			if cmd.Flags().Changed("timeout") && timeout <= 0 {
				return usageError{fmt.Errorf("--timeout must be more than 0, e.g. 20s, not %v", timeout)}
			}
			if !cmd.Flags().Changed("k") || !cmd.Flags().Changed("timeout") {
				// One default for every search: config.toml's search.k
				// and search.timeout.
				cfg, err := config.Load(a.configPath())
				if err != nil {
					return err
				}
				if !cmd.Flags().Changed("k") {
					k = cfg.Search.K
				}
				if !cmd.Flags().Changed("timeout") {
					timeout = cfg.Search.Timeout.Duration
				}
			}
			if merge != "" && !slices.Contains(clientagent.MergeMethods(), merge) {
				return usageError{fmt.Errorf("--merge must be one of %s, not %q", strings.Join(clientagent.MergeMethods(), ", "), merge)}
			}
			text := strings.Join(args, " ")
			var extra []config.Engine
			for _, v := range engines {
				e, err := config.ParseEngineFlag(v)
				if err != nil {
					return usageError{err}
				}
				// Named by its endpoint (config.Engine.Name): the same
				// engine in every search, another port another engine.
				if slices.ContainsFunc(extra, func(x config.Engine) bool { return x.Name == e.Name }) {
					continue
				}
				extra = append(extra, e)
				sources = appendIfForced(sources, e.Name)
			}
			if ri, ok := a.runningNode(); ok {
				if len(extra) > 0 {
					return usageError{errors.New("--engine is not available through a running node: add the engine to config.toml")}
				}
				// The node keeps the deadline; the call waits a little
				// longer, for the answer it makes at the deadline.
				ctx, cancel := context.WithTimeout(cmd.Context(), timeout+nodeAnswerGrace)
				defer cancel()
				// POST: a search may crawl, which the node does only for POST.
				body := map[string]any{"q": text, "k": k, "no_profile": noProfile, "sources": sources, "exclude": exclude, "merge": merge, "crawl": crawl, "timeout_ms": max(1, timeout.Milliseconds())}
				var resp clientagent.Response
				if err := nodeCall(ctx, ri, "POST", "/search", nil, body, &resp); err != nil {
					return err
				}
				if asJSON {
					return writeSearchJSON(a.stdout, &resp)
				}
				writeSearchText(a.stdout, &resp, searchStyle{color: isTerminal(a.stdout), explain: explain})
				return nil
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			ag, closeAll, err := a.openAgent(ctx, extra...)
			if err != nil {
				return err
			}
			defer closeAll()
			resp, err := ag.Search(ctx, clientagent.Request{Query: text, K: k, NoProfile: noProfile, Sources: sources, Exclude: exclude, Merge: merge, Crawl: crawl, Timeout: timeout})
			if err != nil {
				if errors.Is(err, index.ErrBadQuery) || errors.Is(err, clientagent.ErrUnknownSource) {
					return usageError{err}
				}
				return err
			}
			if asJSON {
				return writeSearchJSON(a.stdout, resp)
			}
			writeSearchText(a.stdout, resp, searchStyle{color: isTerminal(a.stdout), explain: explain})
			return nil
		},
	}
	// After the first word of the query, everything is the query: a
	// "-word" there is a term to exclude, not a flag.
	cmd.Flags().SetInterspersed(false)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w: a query that starts with \"-\" needs \"--\" before it (p2pir search -- -word ...), or quotes (see p2pir search --help)", err)}
	})
	cmd.Flags().IntVar(&k, "k", 0, "number of results (default: config.toml's search.k, 10 unless set there)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: "+searchJSONFields+" (durations in milliseconds; see docs/API.md)")
	cmd.Flags().BoolVar(&explain, "explain", false, "show each result's score, the sources that found it with its rank in each, and why it is where it is")
	cmd.Flags().BoolVar(&noProfile, "no-profile", false, "do not use your user model for this search")
	cmd.Flags().StringArrayVar(&sources, "source", nil, "ask only this source (repeatable): local, or an engine's name from config.toml; see p2pir sources")
	cmd.Flags().StringArrayVar(&exclude, "exclude", nil, "do not ask this source (repeatable)")
	cmd.Flags().StringArrayVar(&engines, "engine", nil, "also ask this engine for this search only: KIND=URL with KIND searxng, yacy, opensearch (a template with {searchTerms}), opensearch-description or p2pir (repeatable)")
	cmd.Flags().StringVar(&merge, "merge", "", "fusion method: rrf (default), combmnz, combsum, roundrobin")
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "deadline of the whole search (default: config.toml's search.timeout, 20s unless set there)")
	cmd.Flags().BoolVar(&crawl, "crawl", false, "also run a focused crawl from config.toml's crawl.seeds and the other sources' top web results (budgets: crawl.max_pages, crawl.max_time); found pages are indexed")
	return cmd
}

// searchJSONFields are the fields "search --json" prints, for its help
// (TestSearchHelpListsTheJSONFields keeps it in step with the types and
// with what the command prints): a key alone stands for a value, "key":
// [{...}] for a list of objects with those keys.
const searchJSONFields = `{"query", "query_id", "expanded": [{"term", "weight"}], "added", "dropped", ` +
	`"results": [{"url", "title", "content", "score", "source", "engine", "engines", "positions", "doc_id", "rank", "modified", "lang", "profile_sim", "why", "formats", "near_duplicates", "duplicates"}], ` +
	`"filtered": [{"url", "title", "why"}], "unresponsive": [{"engine", "name", "error"}], "number_of_results", "took_ms", ` +
	`"trace": {"timeout_ms", "sources": [{"source", "outcome", "latency_ms", "hits", "network"}]}}`

// nodeAnswerGrace is how much longer than the search's deadline the CLI
// waits for a running node's answer, which the node makes at the deadline
// with whatever the sources brought by then.
const nodeAnswerGrace = 5 * time.Second

// appendIfForced adds a one-off engine to the forced sources only when the
// person already restricted the sources; otherwise every source is asked.
func appendIfForced(sources []string, name string) []string {
	if len(sources) == 0 {
		return nil
	}
	return append(sources, name)
}

func writeSearchJSON(w io.Writer, resp *clientagent.Response) error {
	if resp.Results == nil {
		resp.Results = []clientagent.Result{}
	}
	if resp.Expanded == nil {
		resp.Expanded = []usermodel.TermWeight{}
	}
	if resp.Unresponsive == nil {
		resp.Unresponsive = []clientagent.Unresponsive{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(resp)
}

// searchStyle is how writeSearchText writes: with terminal colours, and
// with each result's score and sources (--explain).
type searchStyle struct {
	color, explain bool
}

// snippetChars bounds the text shown for a result that has no snippet of
// ours (an engine's or a peer's): its content, on one line.
const snippetChars = 240

func writeSearchText(w io.Writer, resp *clientagent.Response, st searchStyle) {
	bold, reset, dim := "", "", ""
	if st.color {
		bold, reset, dim = "\x1b[1m", "\x1b[0m", "\x1b[2m"
	}
	if len(resp.Results) == 0 {
		fmt.Fprintf(w, "No results.  (query %s)\n", resp.QueryID)
		if hint := noResultsHint(resp.Trace); hint != "" {
			fmt.Fprintf(w, "%s%s%s\n", dim, hint, reset)
		}
		writeUnresponsive(w, resp, dim, reset)
		return
	}
	if len(resp.Added) > 0 || len(resp.Dropped) > 0 {
		fmt.Fprintf(w, "%ssearched with your interests: added %s; dropped %s%s\n", dim, strings.Join(resp.Added, " "), strings.Join(resp.Dropped, " "), reset)
	}
	for _, h := range resp.Results {
		title := h.Title
		if strings.TrimSpace(title) == "" {
			title = h.URL
		}
		// A document not in English says its language after the title.
		lang := ""
		if h.Lang != "" && h.Lang != index.English {
			lang = " [" + oneLine(h.Lang) + "]"
		}
		if st.explain {
			fmt.Fprintf(w, "%2d. %s%s%s%s  %s(score %.4f, %s)%s\n", h.Rank, bold, oneLine(title), reset, lang, dim, h.Score, oneLine(h.Source), reset)
		} else {
			fmt.Fprintf(w, "%2d. %s%s%s%s  %s(%s)%s\n", h.Rank, bold, oneLine(title), reset, lang, dim, oneLine(h.Source), reset)
		}
		fmt.Fprintf(w, "    %s\n", oneLine(h.URL))
		for _, f := range h.Formats {
			fmt.Fprintf(w, "    %salso as %s%s\n", dim, oneLine(f), reset)
		}
		for _, d := range h.NearDuplicates {
			fmt.Fprintf(w, "    %salso: %s%s\n", dim, oneLine(d), reset)
		}
		if strings.HasPrefix(h.URL, p2pirv1.SharedDocScheme+"://") {
			fmt.Fprintf(w, "    %sa file a peer shares: p2pir open %s%s\n", dim, oneLine(h.URL), reset)
		}
		switch {
		case h.Snippet.Text != "":
			open, close := "*", "*"
			if st.color {
				open, close = bold, reset
			}
			fmt.Fprintf(w, "    %s\n", h.Snippet.Marked(open, close, noControls))
		case strings.TrimSpace(h.Content) != "":
			fmt.Fprintf(w, "    %s\n", clip(oneLine(h.Content), snippetChars))
		}
		if st.explain {
			var found []string
			for i, e := range h.Engines {
				if i < len(h.Positions) {
					found = append(found, fmt.Sprintf("%s #%d", oneLine(e), h.Positions[i]))
				} else {
					found = append(found, oneLine(e))
				}
			}
			fmt.Fprintf(w, "    %sfound by %s; %s%s\n", dim, strings.Join(found, ", "), h.Why, reset)
		} else if h.Why != "" && h.Why != "retrieval score" {
			fmt.Fprintf(w, "    %s%s%s\n", dim, h.Why, reset)
		}
	}
	writeUnresponsive(w, resp, dim, reset)
	for _, f := range resp.Filtered {
		fmt.Fprintf(w, "%s    filtered: %s (%s)%s\n", dim, oneLine(f.URL), f.Why, reset)
	}
	if line := peersLine(resp.Trace); line != "" {
		fmt.Fprintf(w, "%s%s%s\n", dim, line, reset)
	}
	// Total counts the matches, not the results retrieved (clientagent.Response).
	fmt.Fprintf(w, "%s%d shown of %d matches in %v; query %s%s\n", dim, len(resp.Results), resp.Total, time.Duration(resp.TookMS*float64(time.Millisecond)).Round(time.Microsecond), resp.QueryID, reset)
}

// peersLine sums up what a search cost the network, e.g. "peers: 3 asked,
// 6 messages, 12 kB", or "" when no peer was asked.
func peersLine(tr clientagent.SearchTrace) string {
	for _, s := range tr.Sources {
		if s.Network == nil || s.Network.PeersContacted == 0 {
			continue
		}
		return fmt.Sprintf("peers: %d asked, %d messages, %s", s.Network.PeersContacted, s.Network.Messages,
			byteSize(s.Network.BytesSent+s.Network.BytesReceived))
	}
	return ""
}

// byteSize writes a byte count for people: "850 B", "4.2 kB", "12 kB".
func byteSize(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 10_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	case n < 1_000_000:
		return fmt.Sprintf("%.0f kB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// oneLine collapses white space and drops control characters, so text from
// documents (titles of hostile web pages included) cannot move the cursor,
// recolour or retitle the terminal.
func oneLine(s string) string { return strings.Join(strings.Fields(noControls(s)), " ") }

// noControls replaces C0 and C1 control characters (ESC among them) by spaces.
func noControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}

// clip cuts s to at most n runes, at a word boundary when one is near,
// and marks the cut with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// writeUnresponsive names the sources and peers that did not answer.
func writeUnresponsive(w io.Writer, resp *clientagent.Response, dim, reset string) {
	for _, u := range resp.Unresponsive {
		who := oneLine(u.Engine)
		if id, ok := clientagent.PeerID(u.Engine); ok {
			who = "peer " + peerLabel(u.Name, id)
		}
		fmt.Fprintf(w, "%s    unresponsive: %s: %s%s\n", dim, who, oneLine(u.Error), reset)
	}
}

// noResultsHint says where a search that found nothing looked, and what
// it cannot find there: peers answer only with what they share.
func noResultsHint(tr clientagent.SearchTrace) string {
	peers, others := false, false
	for _, s := range tr.Sources {
		switch s.Source {
		case clientagent.LocalName:
		case node.PeersSource:
			peers = true
		default:
			others = true
		}
	}
	switch {
	case peers:
		return "Peers answer with the web pages they crawled and the files in the folders they share: a file only a peer has is found once its folder is shared (p2pir index --share DIR, on the peer's node)."
	case !others:
		return "Only your own index was searched: p2pir node asks peers too, and p2pir sources add KIND=URL asks a search engine."
	}
	return ""
}
