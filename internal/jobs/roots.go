package jobs

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"time"
)

// RootsFile is the registry of indexed folders and sites, in the data
// directory.
const RootsFile = "roots.json"

// Root is a folder or site in the index.
type Root struct {
	// Kind is KindFolder or KindSite; Path (a folder) or URL (a site)
	// names it.
	Kind string `json:"kind"`
	Path string `json:"path,omitempty"`
	URL  string `json:"url,omitempty"`
	// Spec is the request of its latest run (with its options), to run
	// it again the same way.
	Spec Spec `json:"spec"`
	// Watched: the node keeps the folder current while it runs.
	Watched bool `json:"watched"`
	// LastRun is when its latest run ended; LastOutcome that run's final
	// state (Done, Failed, ...), LastMessage its message, LastJob its job
	// ID ("" for a run of the offline command).
	LastRun     time.Time `json:"last_run"`
	LastOutcome string    `json:"last_outcome"`
	LastMessage string    `json:"last_message"`
	LastJob     string    `json:"last_job"`

	// Shared (folders: shared with peers), Documents (the index's
	// documents under the folder or on the site's host), WatchedFolders
	// and WatchNote (why watching is incomplete, if it is) are filled in
	// when roots are listed, never stored.
	Shared    bool   `json:"shared"`
	Documents uint64 `json:"documents"`
	// WatchedFolders is how many folders under a watched root are
	// watched now.
	WatchedFolders int    `json:"watched_folders,omitempty"`
	WatchNote      string `json:"watch_note,omitempty"`
}

// MarshalJSON leaves LastRun out for a root never run (an unknown time is
// left out, docs/API.md's conventions).
func (r Root) MarshalJSON() ([]byte, error) {
	type plain Root // without this method
	return json.Marshal(struct {
		plain
		LastRun *time.Time `json:"last_run,omitempty"`
	}{plain(r), timeOrNil(r.LastRun)})
}

// Target is the folder's path or the site's URL.
func (r Root) Target() string {
	if r.Kind == KindSite {
		return r.URL
	}
	return r.Path
}

// rootsRecord is the content of RootsFile.
type rootsRecord struct {
	Roots []Root `json:"roots"`
}

// LoadRoots reads dataDir's RootsFile (no file: no roots). A damaged file
// is set aside and the error (wrapping ErrDamaged) says where; the roots
// are then none.
func LoadRoots(dataDir string) ([]Root, error) {
	rec, err := readRecord[rootsRecord](filepath.Join(dataDir, RootsFile), time.Now())
	return rec.Roots, err
}

// saveRoots writes the registry atomically.
func saveRoots(dataDir string, roots []Root) error {
	if roots == nil {
		roots = []Root{}
	}
	for i := range roots { // listing-time fields are not stored
		roots[i].Shared, roots[i].Documents, roots[i].WatchedFolders, roots[i].WatchNote = false, 0, 0, ""
	}
	return writeAtomic(filepath.Join(dataDir, RootsFile), rootsRecord{Roots: roots})
}

// recordRun is roots with the run of spec that ended at when with this
// outcome put in: the root is added if new, its Spec, LastRun, LastOutcome,
// LastMessage and LastJob replaced. Watched stays on once on, until
// unwatched.
func recordRun(roots []Root, spec Spec, when time.Time, outcome, message, jobID string) []Root {
	i := slices.IndexFunc(roots, func(r Root) bool {
		return sameRoot(r.Spec, spec) || (r.Kind == spec.Kind && r.Target() == spec.Target())
	})
	if i < 0 {
		r := Root{Kind: spec.Kind}
		if spec.Kind == KindSite {
			r.URL = spec.URL
		} else {
			r.Path = spec.Path
		}
		roots = append(roots, r)
		i = len(roots) - 1
	}
	r := &roots[i]
	r.Watched = r.Watched || spec.Watch
	r.Spec = spec
	r.Spec.Watch = r.Watched
	r.Spec.Share = false // sharing lives in internal/share's list
	r.LastRun, r.LastOutcome, r.LastMessage, r.LastJob = when, outcome, message, jobID
	return roots
}

// RecordRun adds a run of the offline "p2pir index" or "p2pir crawl" to
// dataDir's registry (see Root). The caller holds the index, so no node
// writes the registry meanwhile. A damaged registry is set aside and
// started afresh; that error is returned after the run is recorded.
func RecordRun(dataDir string, spec Spec, when time.Time, outcome, message string) error {
	roots, lerr := LoadRoots(dataDir)
	if lerr != nil && !isDamaged(lerr) {
		return lerr
	}
	if err := saveRoots(dataDir, recordRun(roots, spec, when, outcome, message, "")); err != nil {
		return fmt.Errorf("record the indexed folders and sites: %w", err)
	}
	return lerr
}
