package clientagent

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/p2pir/p2pir/internal/canonurl"
	"github.com/p2pir/p2pir/internal/order"
)

// Merge methods.
const (
	// MergeRRF is weighted Reciprocal Rank Fusion (Cormack, Clarke and
	// Büttcher 2009): score = Σ_s w_s / (k + rank_s), k = 60. Ranks only,
	// so sources whose scores are not comparable fuse fairly. The default.
	MergeRRF = "rrf"
	// MergeCombMNZ is CombMNZ (Fox and Shaw 1994): the weighted sum of
	// each source's min-max normalised scores, times the number of sources
	// that found the result.
	MergeCombMNZ = "combmnz"
	// MergeCombSUM is CombSUM: the weighted sum of normalised scores.
	MergeCombSUM = "combsum"
	// MergeRoundRobin interleaves the lists by rank, in source order; a
	// baseline.
	MergeRoundRobin = "roundrobin"
)

// MergeMethods are the fusion methods Merge knows, the default first.
func MergeMethods() []string {
	return []string{MergeRRF, MergeCombMNZ, MergeCombSUM, MergeRoundRobin}
}

// ErrUnknownMerge is in the chain of the error of a search or a Merge
// that names a fusion method not among MergeMethods.
var ErrUnknownMerge = errors.New("unknown merge method")

// RRFK is the rank constant of Reciprocal Rank Fusion.
const RRFK = 60

// SourceHits is one source's answer, with the weight it carries in fusion.
type SourceHits struct {
	Source string
	Weight float64
	Hits   []Hit
	// Matches is how many documents the source says matched (see
	// CountingSource), 0 when it gives no count.
	Matches uint64
}

// Merged is a result after fusion: the best-ranked copy of it, every
// source that found it and where, and the fused score.
type Merged struct {
	Hit
	// Engines are the sources that found the result, in the order given.
	Engines []string
	// Positions are its rank in each of Engines.
	Positions []int
	// Fused is the fused score the merged list is ordered by.
	Fused float64
	// Formats are the URLs of the same page in other text formats beside
	// it (notes/page.html for notes/page.md), left out of the list
	// (collapseFormatCopies).
	Formats []string
	// NearDuplicates are the URLs of local files nearly the same as this
	// one, left out of the list (collapseNearDuplicates).
	NearDuplicates []string
	// Evidence is how strongly the best source vouches for the result, in
	// (0, 1]: its score over that source's best score when the source gives
	// scores, else (k+1)/(k+rank) with RRF's k. Unlike Fused it keeps the
	// gaps of a confident ranking, which re-ranking uses when all results
	// come from one source (else it re-ranks the fused score).
	Evidence float64
	// formatKey is formatCopyKey(Hit), when formatKeyed is true (worked out
	// while merging).
	formatKey   string
	formatKeyed bool
}

// Merge fuses ranked lists with method (MergeRRF when empty). Results are
// the same when their canonical URLs match ignoring scheme, "www.",
// fragment, tracking parameters and trailing slash (canonurl.DedupKey),
// or, failing that, when results of different sources have equal,
// non-empty normalised title and content (a mirror). Ties keep the order
// of first appearance.
func Merge(method string, lists []SourceHits) ([]Merged, error) {
	return mergeWith(method, lists, nil, nil)
}

// maxMergeArena bounds the places mergeWith sets aside for the merged
// results' engines and positions (hits × lists) when there are several
// lists: a few engines' answers.
const maxMergeArena = 4096

// mergeEntry is what fusion keeps beside each merged result (out[at]
// in mergeWith).
type mergeEntry struct {
	at    int // index in out
	best  int // best rank seen, for choosing the representative copy
	order int
	sum   float64
	count int
	seen  int // 1 + the last list that had the result, 0: none yet
}

// mergeWith is Merge, with the URLs' dedup keys remembered in keys (nil:
// worked out afresh), building the results in buf's array and with its
// scratch space when it has room (its contents are overwritten; nil: new
// ones).
func mergeWith(method string, lists []SourceHits, keys *urlKeys, buf *mergeBuf) ([]Merged, error) {
	if buf == nil {
		buf = &mergeBuf{}
	}
	hits, longest := 0, 0
	for _, l := range lists {
		hits += len(l.Hits)
		longest = max(longest, len(l.Hits))
	}
	// Every entry in one array (it never grows: one entry a hit at most,
	// so the pointers stay valid), and the map sized for the hits.
	out := buf.merged[:0]
	if out == nil || cap(out) < hits {
		out = make([]Merged, 0, hits)
	}
	pool := buf.entries[:0]
	if cap(pool) < hits {
		pool = make([]mergeEntry, 0, hits)
	}
	byURL := buf.byURL
	if byURL == nil {
		byURL = make(map[string]*mergeEntry, hits)
	}
	var uks, fks []string // each list's URL keys and format keys in turn
	// The scratch space goes back for the next merge, emptied.
	defer func() {
		clear(byURL)
		clear(uks[:cap(uks)])
		clear(fks[:cap(fks)])
		buf.entries, buf.byURL, buf.urlKeys, buf.formatKeys = pool[:0], byURL, uks[:0], fks[:0]
	}()
	// A result is found at most once in each list: each gets its own
	// len(lists) places for its engines and positions, in two arrays for
	// all of them, instead of a slice of each grown per result. A result's
	// slices are capped at its places, so they never run into another's.
	// Many long lists (whose results are mostly in one or two of them)
	// grow their slices as they go instead; one list wastes no place.
	per := len(lists)
	var engines []string
	var positions []int
	if per == 1 || hits*per <= maxMergeArena {
		engines, positions = make([]string, hits*per), make([]int, hits*per)
	}
	var byContent map[string]*mergeEntry // made when content keys are (answered > 1)
	if uks = buf.urlKeys[:0]; cap(uks) < longest {
		uks = make([]string, 0, longest)
	}
	norm := make([][]float64, len(lists))
	top := make([]float64, len(lists))
	answered := 0 // lists with hits
	for i, l := range lists {
		if len(l.Hits) > 0 {
			answered++
		}
		if method == MergeCombSUM || method == MergeCombMNZ { // the only users of normalised scores
			norm[i] = normalisedScores(l.Hits)
		}
		for _, h := range l.Hits {
			top[i] = math.Max(top[i], h.Score)
		}
	}
	// With keys, each result also gets its format-copy key (Merged.formatKey)
	// from the same look-ups, for collapseFormatCopies.
	if keys != nil {
		if fks = buf.formatKeys[:0]; cap(fks) < longest {
			fks = make([]string, 0, longest)
		}
	}
	for li, l := range lists {
		uks, fks = keys.keysAndFormats(uks[:0], fks[:0], l.Hits, keys != nil)
		for hi, h := range l.Hits {
			rank := h.Rank
			if rank <= 0 {
				rank = hi + 1
			}
			uk := uks[hi]
			var ck string
			if answered > 1 {
				// Within one source, equal text never merges results (see
				// below): with one list of hits (others empty) the key,
				// costly to work out from every snippet, would change
				// nothing.
				ck = contentKey(h)
			}
			e := byURL[uk]
			mirror := false
			if c := byContent[ck]; e == nil && ck != "" && (c == nil || c.seen != li+1) {
				mirror = byContent[ck] != nil
				// Same text under another URL from another source: a
				// mirror. Within one source, distinct URLs stay distinct
				// (two copies of a file in two folders are both shown).
				e = byContent[ck]
			}
			if e == nil {
				pool = append(pool, mergeEntry{at: len(out), best: math.MaxInt, order: len(pool)})
				m := Merged{Hit: h}
				if engines != nil {
					at := len(out) * per
					m.Engines, m.Positions = engines[at:at:at+per], positions[at:at:at+per]
				}
				out = append(out, m)
				e = &pool[len(pool)-1]
			}
			m := &out[e.at]
			byURL[uk] = e
			if ck != "" && byContent[ck] == nil {
				if byContent == nil {
					byContent = map[string]*mergeEntry{}
				}
				byContent[ck] = e
			}
			if e.seen == li+1 {
				continue // the same result twice in one list: its first rank counts
			}
			e.seen = li + 1
			if rank < e.best {
				// The local document's ID, language and place in its
				// snapshot stay with the result when another source ranks
				// it better.
				prev := m.Hit
				m.Hit = h
				if keys != nil {
					m.formatKey, m.formatKeyed = fks[hi], true
				}
				if h.DocID == "" {
					m.DocID, m.ref = prev.DocID, prev.ref
					m.Lang = mergedLang(prev, h)
				}
				e.best = rank
			} else if m.DocID == "" && h.DocID != "" {
				m.DocID, m.Lang, m.ref = h.DocID, h.Lang, h.ref
			} else if m.Lang == "" {
				m.Lang = h.Lang // a peer's, when the better-ranked source gave none
			}
			ev := float64(RRFK+1) / float64(RRFK+rank)
			if top[li] > 0 && h.Score > 0 {
				ev = h.Score / top[li]
			}
			m.Evidence = math.Max(m.Evidence, ev)
			m.Engines = append(m.Engines, l.Source)
			m.Positions = append(m.Positions, rank)
			e.count++
			switch method {
			case MergeRRF, "":
				// A mirror (same text, another URL) is recorded but casts no
				// second vote: two copies of a page are not two engines agreeing.
				if !mirror {
					e.sum += l.Weight / float64(RRFK+rank)
				}
			case MergeCombSUM, MergeCombMNZ:
				e.sum += l.Weight * norm[li][hi]
			case MergeRoundRobin:
				// Rank r of source li comes before rank r of source li+1,
				// and before every rank r+1; a result takes its best slot.
				if slot := -float64(rank*len(lists) + li); e.count == 1 || slot > e.sum {
					e.sum = slot
				}
			default:
				return nil, fmt.Errorf("%w %q: use one of %s", ErrUnknownMerge, method, strings.Join(MergeMethods(), ", "))
			}
		}
	}
	for _, e := range pool {
		m := &out[e.at]
		m.Fused = e.sum
		if method == MergeCombMNZ {
			m.Fused *= float64(e.count)
		}
	}
	// Equal fused scores (the same rank in different lists, common when
	// engines do not overlap) are ordered by the sources' own evidence.
	// The results (a few hundred bytes each) are moved once each.
	order.Stable(out, func(a, b *Merged) int {
		switch {
		case fusedBefore(a, b):
			return -1
		case fusedBefore(b, a):
			return 1
		}
		return 0
	}, nil)
	return out, nil
}

// fusedBefore reports whether a comes before b in a merged list.
func fusedBefore(a, b *Merged) bool {
	if a.Fused != b.Fused {
		return a.Fused > b.Fused
	}
	return a.Evidence > b.Evidence
}

// mergedLang is the language of a merged result when better, from
// another source, outranks kept: the local document's (kept, when it is
// one), else better's, else kept's.
func mergedLang(kept, better Hit) string {
	switch {
	case kept.DocID != "" && kept.Lang != "":
		return kept.Lang
	case better.Lang != "":
		return better.Lang
	}
	return kept.Lang
}

// normalisedScores maps a list's scores to [0, 1] by min-max; when the
// source gives no usable scores (all equal), by rank: 1, then down to 1/n.
func normalisedScores(hits []Hit) []float64 {
	out := make([]float64, len(hits))
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, h := range hits {
		lo, hi = math.Min(lo, h.Score), math.Max(hi, h.Score)
	}
	for i, h := range hits {
		if hi > lo && !math.IsNaN(h.Score) {
			out[i] = (h.Score - lo) / (hi - lo)
		} else {
			out[i] = 1 - float64(i)/float64(len(hits))
		}
	}
	return out
}

// contentKey identifies a result by its text, for mirrors under other
// URLs; "" when title or content is empty (too little to go on).
func contentKey(h Hit) string {
	t, c := normText(h.Title), normText(h.Content)
	if t == "" || c == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(t + "\x00" + c))
	return string(sum[:16])
}

func normText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// maxDedupKeys bounds dedupKeys: the URLs of the results of many searches
// (a few hundred bytes each).
const maxDedupKeys = 1 << 15

// urlKeys remembers canonurl.DedupKey of the URLs an agent merged lately:
// a search with the profile merges its 50 candidates, mostly the same
// local documents search after search, and parsing a URL costs more than a
// map lookup. DedupKey depends on the URL alone, so a remembered key is
// always right; the map starts again empty when full (maxDedupKeys). For
// a local file it also remembers the file's formatCopyKey with the title
// it was worked out for (the key depends on the URL and the title alone),
// so that merging hands collapseFormatCopies its keys in the same look-up.
// The zero value is ready; a nil *urlKeys remembers nothing.
type urlKeys struct {
	mu   sync.Mutex
	keys map[string]urlKey
}

// urlKey is what urlKeys remembers of a URL.
type urlKey struct {
	dedup string // canonurl.DedupKey(URL)
	// format is formatCopyKey of a local file at the URL titled title,
	// when formatted is true.
	format, title string
	formatted     bool
}

// keysOf appends to dst the key of each hit's URL, taking the lock once
// to look them up and once to remember those worked out: a search's
// results do not each wait for the searches running beside it.
func (c *urlKeys) keysOf(dst []string, hits []Hit) []string {
	dst, _ = c.keysAndFormats(dst, nil, hits, false)
	return dst
}

// keysAndFormats is keysOf, also appending to fdst each hit's
// formatCopyKey when formats is true (from the same look-ups).
func (c *urlKeys) keysAndFormats(dst, fdst []string, hits []Hit, formats bool) ([]string, []string) {
	if c == nil {
		for _, h := range hits {
			dst = append(dst, canonurl.DedupKey(h.URL))
			if formats {
				fdst = append(fdst, formatCopyKey(h))
			}
		}
		return dst, fdst
	}
	// A local file's format key is worked out with its title; anything
	// else has none (formatCopyKey).
	isFile := func(h Hit) bool { return formats && h.Origin == "file" && strings.HasPrefix(h.URL, "file://") }
	start, fstart, missing := len(dst), len(fdst), 0
	var found []bool // when something is missing: which were found whole
	c.mu.Lock()
	for i, h := range hits {
		k, ok := c.keys[h.URL]
		whole := ok && (!isFile(h) || k.formatted && k.title == h.Title)
		if !whole {
			if found == nil {
				found = make([]bool, len(hits))
				for j := range i {
					found[j] = true
				}
			}
			missing++
		} else if found != nil {
			found[i] = true
		}
		dst = append(dst, k.dedup)
		if formats {
			f := "" // not a file, or missing
			if isFile(h) {
				f = k.format
			}
			fdst = append(fdst, f)
		}
	}
	c.mu.Unlock()
	if missing == 0 {
		return dst, fdst
	}
	for i, h := range hits {
		if found[i] {
			continue
		}
		dst[start+i] = canonurl.DedupKey(h.URL)
		if formats {
			fdst[fstart+i] = formatCopyKey(h)
		}
	}
	c.mu.Lock()
	for i, h := range hits {
		if found[i] {
			continue
		}
		if c.keys == nil || len(c.keys) >= maxDedupKeys {
			c.keys = make(map[string]urlKey)
		}
		k := urlKey{dedup: dst[start+i]}
		if isFile(h) {
			k.format, k.title, k.formatted = fdst[fstart+i], h.Title, true
		} else if old, ok := c.keys[h.URL]; ok && old.formatted {
			k.format, k.title, k.formatted = old.format, old.title, true // the file's, found by another source
		}
		c.keys[h.URL] = k
	}
	c.mu.Unlock()
	return dst, fdst
}

// key is canonurl.DedupKey(u), remembered.
func (c *urlKeys) key(u string) string {
	if c == nil {
		return canonurl.DedupKey(u)
	}
	c.mu.Lock()
	k, ok := c.keys[u]
	c.mu.Unlock()
	if ok {
		return k.dedup
	}
	d := canonurl.DedupKey(u)
	c.mu.Lock()
	if c.keys == nil || len(c.keys) >= maxDedupKeys {
		c.keys = make(map[string]urlKey)
	}
	if _, ok := c.keys[u]; !ok {
		c.keys[u] = urlKey{dedup: d}
	}
	c.mu.Unlock()
	return d
}

// rankPooled ranks the hits scored with pooled statistics (Hit.Pooled)
// across every list, so that rank fusion orders them as one index over all
// their documents would. Their sources' learned trust still counts, but on
// the scores' own scale: a hit ranks by its score plus ln(w/w₀), where w is
// its list's weight and w₀ the local index's (else the heaviest pooled
// list's), and every pooled list then fuses with weight w₀. A peer trusted
// twice as much as the local index gains ln 2 ≈ 0.7 of BM25 score — about
// what one more occurrence of a query term adds — rather than, as a
// doubled RRF weight would, ranking its 60th result above everyone's
// first. Ties go to the URL; hits not pooled keep their source's ranks.
func rankPooled(lists []SourceHits) {
	type ref struct {
		l, h int
		s    float64
	}
	var refs []ref
	common, local := 0.0, 0.0
	for _, l := range lists {
		pooled := false
		for _, h := range l.Hits {
			pooled = pooled || h.Pooled
		}
		if !pooled || l.Weight <= 0 {
			continue
		}
		common = math.Max(common, l.Weight)
		if l.Source == LocalName {
			local = l.Weight
		}
	}
	if local > 0 {
		common = local
	}
	if common == 0 {
		return
	}
	for li, l := range lists {
		for hi, h := range l.Hits {
			if h.Pooled && l.Weight > 0 {
				refs = append(refs, ref{li, hi, h.Score + trustShift(l.Weight, common)})
			}
		}
	}
	sort.SliceStable(refs, func(i, j int) bool {
		if refs[i].s != refs[j].s {
			return refs[i].s > refs[j].s
		}
		return lists[refs[i].l].Hits[refs[i].h].URL < lists[refs[j].l].Hits[refs[j].h].URL
	})
	for i, r := range refs {
		lists[r.l].Hits[r.h].Rank = i + 1
		lists[r.l].Weight = common
	}
}

// trustShift is ln(w/common) rounded to 1/10,000: trust decays with the
// wall clock, so two runs of the same marks differ in the tenth decimal
// of a weight, which must not reorder results whose scores tie.
func trustShift(w, common float64) float64 {
	return math.Round(math.Log(w/common)*1e4) / 1e4
}

// maxPooledMerged bounds the results an array that mergedBufs keeps
// holds: a search's candidates (Config.Candidates) from a few sources.
const maxPooledMerged = 256

// mergeBuf is the room a merge builds its results in (merged), with its
// scratch space: fusion's entries, the URLs' map to them and each list's
// keys. A search with the profile merges its 50 candidates into room a
// search before it used, still in the cache, instead of some 13 KB
// allocated anew.
type mergeBuf struct {
	merged              []Merged
	entries             []mergeEntry
	byURL               map[string]*mergeEntry
	urlKeys, formatKeys []string
}

// mergedBufs lends out mergeBufs. The zero value is ready to use.
type mergedBufs struct {
	pool sync.Pool
}

// get returns a buffer to merge in: one given back, or a new one.
func (p *mergedBufs) get() *mergeBuf {
	if b, ok := p.pool.Get().(*mergeBuf); ok {
		return b
	}
	return &mergeBuf{}
}

// put takes back buf, whose results (merged, built in its array by
// mergeWith, then collapsed) nothing may use any more: they are zeroed
// first (they hold on to strings and slices that the search's answer may
// still share). An array too large to keep is let go.
func (p *mergedBufs) put(buf *mergeBuf, merged []Merged) {
	if cap(merged) > maxPooledMerged {
		return
	}
	all := merged[:cap(merged)]
	clear(all)
	buf.merged = all[:0]
	p.pool.Put(buf)
}
