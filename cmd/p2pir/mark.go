package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/p2pir/p2pir/usermodel"
	"github.com/spf13/cobra"
)

func newMarkCmd(a *app) *cobra.Command {
	var undo, asJSON bool
	cmd := &cobra.Command{
		Use:   "mark QUERY_ID URL +|-   or   mark --undo",
		Short: "Mark a search result interested (+) or not interested (-)",
		Long: `Record that a result of a search was interesting (+) or not (-). The mark is
durable when the command returns. Marks update your user model, which
reformulates and re-ranks later searches, and the learned precision of the
sources that brought the result (see "p2pir sources"). A new mark on a result
of a search you already marked replaces the earlier mark (+ twice counts once;
+ then - counts as -). --undo takes back the latest mark everywhere, and
brings back the mark it had replaced, if any.

QUERY_ID is printed by "p2pir search" (and is "query_id" in --json); URL is the
result's URL as shown.`,
		Example: `  p2pir mark 3KX7QH2M... file:///home/me/notes/wing.md +
  p2pir mark --undo`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ri, nodeRuns := a.runningNode()
			if undo {
				if len(args) != 0 {
					return usageError{errors.New("mark --undo takes no arguments")}
				}
				if nodeRuns {
					var out markOutcome
					if err := nodeCall(ctx, ri, "POST", "/mark/undo", nil, struct{}{}, &out); err != nil {
						return err
					}
					return printMark(a.stdout, "undone", out, asJSON)
				}
				// Through the agent, so that the sources' learned precision
				// is taken back with the mark.
				ag, closeAll, err := a.openAgent(ctx)
				if err != nil {
					return err
				}
				defer closeAll()
				m, p, err := ag.Undo(ctx)
				if err != nil {
					return err
				}
				return printMark(a.stdout, "undone", outcomeOf(m, p), asJSON)
			}
			if len(args) != 3 {
				return usageError{fmt.Errorf("mark needs QUERY_ID URL and + or - (got %d arguments)", len(args))}
			}
			var interested bool
			switch args[2] {
			case "+", "interested", "yes":
				interested = true
			case "-", "not-interested", "no":
			default:
				return usageError{fmt.Errorf("mark: %q is neither + nor -", args[2])}
			}
			if nodeRuns {
				var out markOutcome
				body := map[string]any{"query_id": args[0], "url": args[1], "interested": interested}
				if err := nodeCall(ctx, ri, "POST", "/mark", nil, body, &out); err != nil {
					return err
				}
				return printMark(a.stdout, "marked", out, asJSON)
			}
			ag, closeAll, err := a.openAgent(ctx)
			if err != nil {
				return err
			}
			defer closeAll()
			m, p, err := ag.Mark(ctx, args[0], args[1], interested)
			if err != nil {
				return err
			}
			return printMark(a.stdout, "marked", outcomeOf(m, p), asJSON)
		},
	}
	cmd.Flags().BoolVar(&undo, "undo", false, "take back the latest mark")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the mark and the profile's top terms as JSON")
	return cmd
}

// markOutcome is a mark and the profile after it: what the node's API
// answers to /mark and /mark/undo, and what the command prints.
type markOutcome struct {
	Mark struct {
		Seq        uint64    `json:"seq"`
		QueryID    string    `json:"query_id"`
		Query      string    `json:"query"`
		URL        string    `json:"url"`
		Interested bool      `json:"interested"`
		Time       time.Time `json:"time"`
	} `json:"mark"`
	Profile struct {
		Marks     int                    `json:"marks"`
		Version   uint64                 `json:"version"`
		Interests []usermodel.TermWeight `json:"interests"`
	} `json:"profile"`
}

func outcomeOf(m usermodel.Mark, p usermodel.Profile) markOutcome {
	var o markOutcome
	o.Mark.Seq, o.Mark.QueryID, o.Mark.Query, o.Mark.URL, o.Mark.Interested, o.Mark.Time = m.Seq, m.QueryID, m.Query, m.URL, m.Interested, m.Time
	o.Profile.Marks, o.Profile.Version, o.Profile.Interests = p.Marks, p.Version, p.Interests(10)
	return o
}

// printMark prints what a mark or its undoing did: a line for the mark
// and one for the profile, or with asJSON {verb: mark, "profile": ...}.
func printMark(w io.Writer, verb string, o markOutcome, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{verb: o.Mark, "profile": o.Profile})
	}
	sign := "+"
	if !o.Mark.Interested {
		sign = "-"
	}
	fmt.Fprintf(w, "%s %s %s (mark %d, query %q)\n", verb, sign, oneLine(o.Mark.URL), o.Mark.Seq, oneLine(o.Mark.Query))
	fmt.Fprintf(w, "profile: %s; top interests: %s\n", countOf(o.Profile.Marks, "mark", "marks"), termList(o.Profile.Interests[:min(8, len(o.Profile.Interests))]))
	return nil
}

func termList(tws []usermodel.TermWeight) string {
	if len(tws) == 0 {
		return "(none yet)"
	}
	s := ""
	for i, t := range tws {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %.2f", t.Term, t.Weight)
	}
	return s
}
