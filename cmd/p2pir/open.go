package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/spf13/cobra"
)

func newOpenCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "open [--json] URL",
		Short: "Print a file a peer shares (a p2pir:// result), fetched through your node",
		Long: `Print the text of a file a peer shares with you: a p2pir://NODE/doc/ID
result of a search that asked the peers. Your running node fetches it from
the peer's node over the authenticated node-to-node connection; the peer
checks that the file is still shared and sends its indexed text (at most
512 KiB, cut and said so beyond), title, size and modification time.

The text is the peer's: control characters are shown as spaces, so it
cannot drive your terminal. --json prints it as JSON instead.

Exit status: 0 when printed; 1 when no node runs, the peer is not known
or shares no such document (it may have stopped sharing it); 2 when URL
is not a p2pir:// link.`,
		Example: `  p2pir open p2pir://p2p1abcdefghijklmnopqrstuvwx/doc/k3v9q0x7m2c4r8t1w6y5z0a9b8c7d6e5`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("%s takes one URL, got %d (see %s --help)", cmd.CommandPath(), len(args), cmd.CommandPath())}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, _, ok := p2pirv1.ParseSharedDocURL(args[0]); !ok {
				return usageError{fmt.Errorf("%q is not a link to a file a peer shares (p2pir://NODE/doc/ID): open web pages and your own files in your browser or editor", args[0])}
			}
			ri, ok := a.runningNode()
			if !ok {
				return errors.New("no node is running on this data directory: a peer's file opens through your node (start one with p2pir node)")
			}
			var d struct {
				NodeID    string     `json:"node_id"`
				DocID     string     `json:"doc_id"`
				URL       string     `json:"url"`
				Title     string     `json:"title"`
				Text      string     `json:"text"`
				Truncated bool       `json:"truncated"`
				Size      int64      `json:"size"`
				Modified  *time.Time `json:"modified,omitempty"`
			}
			if err := nodeCall(cmd.Context(), ri, "GET", "/peer-doc", url.Values{"url": {args[0]}, "format": {"json"}}, nil, &d); err != nil {
				return err
			}
			if asJSON {
				return writeJSONOut(a.stdout, d)
			}
			writePeerDoc(a.stdout, d.Title, d.NodeID, d.Text, d.Size, d.Modified, d.Truncated)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: node_id, doc_id, url, title, text, truncated, size, modified")
	return cmd
}

// writePeerDoc prints a peer's document for a person to read, without
// letting its text reach the terminal as control sequences.
func writePeerDoc(w io.Writer, title, nodeID, text string, size int64, modified *time.Time, truncated bool) {
	if title = noControls(title); title == "" {
		title = "(untitled)"
	}
	fmt.Fprintln(w, title)
	about := fmt.Sprintf("shared by node %s, %d bytes", nodeID, size)
	if modified != nil {
		about += ", modified " + modified.Local().Format("2006-01-02 15:04")
	}
	fmt.Fprintf(w, "%s\n\n%s\n", about, plainText(text))
	if truncated {
		fmt.Fprintf(w, "\n[cut at %d KiB: the document is longer]\n", p2pirv1.MaxDocumentTextBytes>>10)
	}
}

// plainText keeps line breaks and tabs and shows every other control
// character (escape sequences included) as a space.
func plainText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}
