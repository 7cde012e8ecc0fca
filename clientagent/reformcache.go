package clientagent

import (
	"context"
	"slices"
	"sync"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
)

// maxCachedReforms bounds reformCache: the queries a person searches in
// turn.
const maxCachedReforms = 64

// reformCache keeps the latest reformulations (usermodel.ReformulateWith),
// up to maxCachedReforms, the most recently used first, by what they were
// worked out from: the typed query's terms and weights, the marks that
// judged it (their documents, the store's shared vectors, by identity as
// in basisCache, with their marks and weights), the unit profile (by
// identity, from unitCache) and the version of the index whose document
// frequencies filtered the expansion terms. A search of the same need
// again, with the same marks and profile, on the same index, gets the same
// reformulation without adding up the judged documents again. The zero
// value is an empty cache.
type reformCache struct {
	mu      sync.Mutex
	entries []cachedReform
}

type cachedReform struct {
	version uint64
	query   []index.WeightedTerm
	judged  []usermodel.Judged
	profile usermodel.Vector
	ref     usermodel.Reformulation
}

// matches reports whether e was worked out from these inputs.
func (e *cachedReform) matches(version uint64, query []index.WeightedTerm, judged []usermodel.Judged, profile usermodel.Vector) bool {
	return e.version == version && slices.Equal(e.query, query) && sameMap(e.profile, profile) &&
		slices.EqualFunc(e.judged, judged, func(a, b usermodel.Judged) bool {
			return sameMap(a.Doc, b.Doc) && a.Interested == b.Interested && a.Weight == b.Weight && a.Rank == b.Rank
		})
}

// reformulate returns ReformulateWith(ctx, a.ix, cfg, the query's terms,
// judged, profile), worked out at most once while its inputs stay the
// same (and among the latest used). The result is the caller's own.
func (c *reformCache) reformulate(ctx context.Context, ix *index.Index, cfg usermodel.ReformConfig, query []index.WeightedTerm, judged []usermodel.Judged, profile usermodel.Vector) (usermodel.Reformulation, error) {
	version := ix.Version() // before the document frequencies are read
	c.mu.Lock()
	for i := range c.entries {
		if e := c.entries[i]; e.matches(version, query, judged, profile) {
			copy(c.entries[1:i+1], c.entries[:i])
			c.entries[0] = e
			c.mu.Unlock()
			return cloneReform(e.ref), nil
		}
	}
	c.mu.Unlock()
	base := usermodel.Vector{}
	for _, t := range query {
		base[t.Term] = t.Weight
	}
	ref, err := usermodel.ReformulateWith(ctx, ix, cfg, base, judged, profile)
	if err != nil {
		return ref, err
	}
	e := cachedReform{version: version, query: slices.Clone(query), judged: slices.Clone(judged), profile: profile, ref: cloneReform(ref)}
	c.mu.Lock()
	defer c.mu.Unlock()
	// An entry of another profile or index version is never matched
	// again (a changed profile is a new map, and versions only grow):
	// dropped, so that the cache does not hold on to the person's old
	// profiles, each as large as the profile, until 64 searches pushed
	// them out.
	c.entries = slices.DeleteFunc(c.entries, func(e cachedReform) bool {
		return e.version != version || !sameMap(e.profile, profile)
	})
	if len(c.entries) == maxCachedReforms {
		c.entries = c.entries[:maxCachedReforms-1]
	}
	c.entries = slices.Insert(c.entries, 0, e)
	return ref, nil
}

// cloneReform is r with lists of its own.
func cloneReform(r usermodel.Reformulation) usermodel.Reformulation {
	return usermodel.Reformulation{Terms: slices.Clone(r.Terms), Added: slices.Clone(r.Added), Dropped: slices.Clone(r.Dropped)}
}
