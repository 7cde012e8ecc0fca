package main

import (
	"encoding/json"
	"fmt"
	"io"

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
		Short: "Show your user model: interests, marks, and what is shared with peers",
		Long: `Show what p2pir has learned from your marks: the strongest interest terms, the
terms you steer away from, your marks, and what would be shared with peers.

Only a fingerprint ever leaves your node: your interest terms hashed into a
fixed-size vector (signed feature hashing, 1024 numbers). Your marks, queries
and documents never do. --sharing off stops sharing even the fingerprint.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if ri, ok := a.runningNode(); ok {
				if sharing != "" {
					return errNodeRunning(ri, "changing sharing")
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
			if share {
				fmt.Fprintf(a.stdout, "shared:     a %d-number fingerprint (scheme %s, version %d, %d non-zero); nothing else\n",
					fp.Vec.Len(), usermodel.FingerprintScheme, fp.Version, nonZero(fp))
			} else {
				fmt.Fprintf(a.stdout, "shared:     nothing (sharing is off)\n")
			}
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
	cmd.Flags().StringVar(&sharing, "sharing", "", "turn sharing the fingerprint with peers on or off")
	return cmd
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
	shared := map[string]any{"enabled": share}
	if share {
		shared["fingerprint"] = map[string]any{
			"scheme": usermodel.FingerprintScheme, "dim": fp.Vec.Len(), "version": fp.Version, "values": fp.Float32s(),
		}
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
