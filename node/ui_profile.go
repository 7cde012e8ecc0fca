package node

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/internal/share"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/usermodel"
)

// uiProfileTerms is how many interest and avoided terms the profile page
// shows; uiProfileMarks how many of the latest marks.
const (
	uiProfileTerms = 30
	uiProfileMarks = 100
)

// profileView is the profile page's data.
type profileView struct {
	Interests []usermodel.TermWeight
	Avoids    []usermodel.TermWeight
	Marks     []markView
	MarkCount int
	Version   uint64
	Sharing   bool
	// Fingerprint says what peers learn: FPDim numbers, FPTerms of the
	// person's interest terms hashed into them (Zero: no interest yet).
	FPDim, FPTerms int
	FPZero         bool
	Folders        []share.Folder
	FoldersErr     string
	Token          string
	// UndoForm is the data of the undo button on the latest mark.
	UndoForm markForm
}

// markView is one mark on the profile page.
type markView struct {
	Seq        uint64
	Query      string
	Title      string
	URL        string
	Href       string
	Interested bool
	When       string
	Sources    []sourceLabel
	Latest     bool // the one mark Undo takes back
}

// profile serves GET /ui/profile.
func (u *ui) profile(w http.ResponseWriter, r *http.Request) {
	v, err := u.profileData(r.Context())
	if err != nil {
		u.fail(w, "profile", http.StatusInternalServerError, err)
		return
	}
	p := u.page("profile", "Your profile", v)
	switch r.URL.Query().Get("done") {
	case "undone":
		p.Notice = "Your latest mark is taken back."
	case "sharing-on":
		p.Notice = "Sharing is on: peers get your fingerprint from the next gossip round."
	case "sharing-off":
		p.Notice = "Sharing is off: from now on peers get no fingerprint and no recommendations from you."
	}
	u.render(w, http.StatusOK, "profile", p)
}

func (u *ui) profileData(ctx context.Context) (profileView, error) {
	n := u.n
	p, err := n.store.Profile(ctx)
	if err != nil {
		return profileView{}, fmt.Errorf("your profile could not be read: %w", err)
	}
	sharing, err := n.store.Sharing(ctx)
	if err != nil {
		return profileView{}, fmt.Errorf("the sharing setting could not be read: %w", err)
	}
	marks, err := n.store.SharedMarks(ctx)
	if err != nil {
		return profileView{}, fmt.Errorf("your marks could not be read: %w", err)
	}
	fp, err := usermodel.MakeFingerprint(p, p2pirv1.FingerprintDim)
	if err != nil {
		return profileView{}, fmt.Errorf("the fingerprint could not be made: %w", err)
	}
	v := profileView{
		Interests: p.Interests(uiProfileTerms), Avoids: p.Dislikes(uiProfileTerms),
		MarkCount: len(marks), Version: p.Version, Sharing: sharing,
		FPDim: p2pirv1.FingerprintDim, FPZero: fp.IsZero(), Token: n.apiToken,
		UndoForm: markForm{Token: n.apiToken, Back: "/ui/profile"},
	}
	for _, t := range p.Terms {
		if t > 0 {
			v.FPTerms++
		}
	}
	for i := len(marks) - 1; i >= 0 && len(v.Marks) < uiProfileMarks; i-- {
		m := marks[i]
		mv := markView{Seq: m.Seq, Query: m.Query, Title: m.Title, URL: m.URL, Href: href(m.URL), Interested: m.Interested,
			When: m.Time.Local().Format("2006-01-02 15:04"), Latest: i == len(marks)-1}
		if mv.Title == "" {
			mv.Title = m.URL
		}
		if mv.Href == "" && m.DocID != "" {
			mv.Href = docLink(m.DocID, "")
		}
		mv.Sources = u.sourceLabels(resultOf(slices.Clone(m.Source)))
		if mv.Latest {
			v.UndoForm.URL = m.URL
		}
		v.Marks = append(v.Marks, mv)
	}
	fs, err := share.Current(n.cfg.DataDir)
	if err != nil {
		v.FoldersErr = fmt.Sprintf("the list of shared folders could not be read (peers get no file until this is fixed): %v", err)
	}
	v.Folders = fs
	return v, nil
}

// resultOf is a result found by the named sources, for sourceLabels.
func resultOf(sources []string) clientagent.Result {
	return clientagent.Result{Engines: sources}
}

// sharing serves POST /ui/sharing: a form {sharing=on|off}. The setting
// is durable and read at every use, so it takes effect at once.
func (u *ui) sharing(w http.ResponseWriter, r *http.Request) {
	on, err := onOff(r.PostForm.Get("sharing"))
	if err != nil {
		u.formError(w, r, "profile", "Sharing was not changed", err)
		return
	}
	if err := u.n.store.SetSharing(r.Context(), on); err != nil {
		u.formError(w, r, "profile", "Sharing was not changed", err)
		return
	}
	done := "sharing-off"
	if on {
		done = "sharing-on"
	}
	answerForm(w, r, withParam(back(r, "/ui/profile"), "done", done), map[string]bool{"sharing": on})
}

// handleSharing serves POST /profile/sharing {"sharing": true|false}.
func (n *Node) handleSharing(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Sharing *bool `json:"sharing"`
	}
	const want = `want JSON {"sharing": true|false}`
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, fmt.Errorf("%w: %s: %w", errBadInput, want, err))
		return
	}
	if in.Sharing == nil {
		writeError(w, fmt.Errorf("%w: %s", errBadInput, want))
		return
	}
	if err := n.store.SetSharing(r.Context(), *in.Sharing); err != nil {
		writeError(w, fmt.Errorf("the sharing setting was not changed: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"sharing": *in.Sharing})
}

// onOff reads a form's on or off.
func onOff(s string) (bool, error) {
	switch s {
	case "on", "1", "true":
		return true, nil
	case "off", "0", "false":
		return false, nil
	}
	return false, fmt.Errorf("%w: sharing must be on or off, not %q", errBadInput, s)
}
