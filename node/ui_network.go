package node

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/p2pir/p2pir/usermodel"
)

// networkView is the network page's data.
type networkView struct {
	Self        selfInfo
	Peers       []peerView
	Clusters    []clusterView
	K           int
	OwnCluster  int // -1: none
	ClusterSize int
}

// peerView is one peer on the network page.
type peerView struct {
	Name       string
	ID         string
	Addr       string
	State      string
	Similarity float64
	HasFP      bool
	Cluster    int // -1: none
	SameAsMine bool
	RTT        string
	LastSeen   time.Time
	Trust      trust
}

// clusterView is one cluster of this node's clustering.
type clusterView struct {
	Index   int
	Size    int
	Mine    bool
	Members []string
	// Terms are words this node knows whose place in the fingerprints
	// weighs most in the cluster's centre (fingerprints carry no words:
	// these are guesses, see usermodel.GuessTerms).
	Terms []usermodel.TermWeight
}

// network serves GET /ui/network.
func (u *ui) network(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	self, err := u.n.selfReply(r)
	if err != nil {
		u.fail(w, "network", http.StatusInternalServerError, fmt.Errorf("this node's profile could not be read: %w", err))
		return
	}
	learned, err := u.n.agent.Peers(ctx)
	if err != nil {
		u.fail(w, "network", http.StatusInternalServerError, fmt.Errorf("what marks taught about the peers could not be read: %w", err))
		return
	}
	stranger, err := u.n.agent.Stranger(ctx)
	if err != nil {
		u.fail(w, "network", http.StatusInternalServerError, fmt.Errorf("the trust of a new peer could not be read: %w", err))
		return
	}
	res, own := u.n.server.Clusters()
	v := networkView{Self: self, K: res.K, OwnCluster: own, ClusterSize: self.ClusterSize}
	rows := peersReply(u.n.server.Peers(), learned, stranger)
	slices.SortFunc(rows, func(a, b peer) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.NodeID, b.NodeID)
	})
	members := make([][]string, res.K)
	for _, p := range rows {
		name := p.Name
		if name == "" {
			name = u.peerLabel(p.NodeID)
		}
		pv := peerView{Name: name, ID: p.NodeID, Addr: p.Addr, State: p.State, Similarity: p.Similarity, HasFP: p.HasFingerprint,
			Cluster: p.Cluster, SameAsMine: own >= 0 && p.Cluster == own, LastSeen: p.LastSeen, Trust: p.Trust}
		if p.RTTMS > 0 {
			pv.RTT = fmt.Sprintf("%.1f ms", p.RTTMS)
		}
		v.Peers = append(v.Peers, pv)
		if p.Cluster >= 0 && p.Cluster < res.K {
			members[p.Cluster] = append(members[p.Cluster], name)
		}
	}
	candidates := u.knownTerms(r)
	for c := range res.K {
		cv := clusterView{Index: c, Mine: c == own, Members: members[c]}
		if c < len(res.Sizes) {
			cv.Size = res.Sizes[c]
		}
		if c < len(res.Centroids) {
			cv.Terms = usermodel.GuessTerms(res.Centroids[c], candidates, 8)
		}
		v.Clusters = append(v.Clusters, cv)
	}
	u.render(w, http.StatusOK, "network", u.page("network", "Network", v))
}

// knownTerms are the words this node can put to a cluster's centre: the
// terms of the person's profile and of the documents they marked.
func (u *ui) knownTerms(r *http.Request) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if p, err := u.n.store.SharedProfile(r.Context()); err == nil {
		for t := range p.Terms {
			add(t)
		}
	}
	if marks, err := u.n.store.SharedMarks(r.Context()); err == nil {
		for _, m := range marks {
			for t := range m.Doc {
				add(t)
			}
		}
	}
	slices.Sort(out)
	return out
}
