package clientagent

import (
	"context"
	"slices"
	"sync"

	"github.com/p2pir/p2pir/internal/fnv1a"
)

// Near duplicates among local files: two files whose text is nearly the
// same (a page saved twice, a copy with a line changed, the same text in
// two formats under different names) are shown once, at the better rank,
// with the other's URL in Merged.NearDuplicates.
//
// Nearly the same is Broder's resemblance (1997): the Jaccard similarity
// of the two texts' sets of word 3-shingles (every run of three analysed
// terms of the title and the first nearDupTextBytes of the body, hashed
// with 64-bit FNV-1a), estimated from bottom-k sketches (the sketchSize
// smallest shingle hashes of each text: exact for texts with fewer
// shingles). Shingles keep word order, so two texts on one subject in the
// same words share few of them; a copy with a sentence changed shares
// most.
const (
	// NearDuplicateResemblance is the least resemblance of two files shown
	// as one: 0.8, 80% of their shingles shared (a copy with one sentence
	// in ten changed resembles its original about 0.75-0.85; the fixture's
	// copy with two phrases changed, 0.91).
	NearDuplicateResemblance = 0.8
	// nearDupMinShingles: files with fewer distinct shingles than this
	// (under about ten words) are never collapsed: two notes that both say
	// "call the plumber" are not copies of one another.
	nearDupMinShingles = 8
	// nearDupTextBytes is how much of a body the sketch reads.
	nearDupTextBytes = 16 << 10
	// sketchSize is k of the bottom-k sketches (1 KiB a file).
	sketchSize = 128
	// maxNearDupCandidates bounds the file results compared (pairwise, so
	// at most about 5,000 comparisons of two sketches).
	maxNearDupCandidates = 100
	// maxCachedSketches bounds the sketches an agent keeps (some 8 MiB).
	maxCachedSketches = 1 << 13
)

// sketch is a text's bottom-k sketch: its smallest shingle hashes,
// ascending, and how many distinct shingles it has in all.
type sketch struct {
	mins     []uint64
	shingles int
}

// shingleSketch is the sketch of a text's analysed terms, in order.
func shingleSketch(terms []string) sketch {
	set := map[uint64]bool{}
	if len(terms) < 3 {
		if len(terms) > 0 {
			set[shingleHash(terms)] = true
		}
	} else {
		for i := 0; i+3 <= len(terms); i++ {
			set[shingleHash(terms[i:i+3])] = true
		}
	}
	all := make([]uint64, 0, len(set))
	for h := range set {
		all = append(all, h)
	}
	slices.Sort(all)
	return sketch{mins: slices.Clip(all[:min(len(all), sketchSize)]), shingles: len(set)}
}

// resemblance estimates the Jaccard similarity of the shingle sets behind
// a and b: of the k smallest hashes of their union, the share found in
// both sketches (Broder's estimator; exact when both sets fit in k).
func resemblance(a, b sketch) float64 {
	taken, both := mergeSketches(a, b, sketchSize)
	if taken == 0 {
		return 0
	}
	return float64(both) / float64(taken)
}

// mergeSketches walks the k smallest hashes of the union of a's and b's
// (k = sketchSize), counting those taken and those found in both; it
// stops early once more than allowed of them were in one sketch only.
func mergeSketches(a, b sketch, allowed int) (taken, both int) {
	i, j := 0, 0
	for taken < sketchSize && (i < len(a.mins) || j < len(b.mins)) {
		switch {
		case j == len(b.mins) || i < len(a.mins) && a.mins[i] < b.mins[j]:
			i++
		case i == len(a.mins) || b.mins[j] < a.mins[i]:
			j++
		default:
			i, j = i+1, j+1
			both++
		}
		taken++
		if taken-both > allowed {
			break
		}
	}
	return taken, both
}

// shingleHash is the FNV-1a hash of the terms joined by zero bytes,
// hashed in place rather than joined first.
func shingleHash(terms []string) uint64 {
	h := fnv1a.String(terms[0])
	for _, t := range terms[1:] {
		h = fnv1a.Add(fnv1a.AddByte(h, 0), t)
	}
	return h
}

// nearDuplicate reports whether two sketches are of near-duplicate texts
// (NearDuplicateResemblance; never for short texts, see
// nearDupMinShingles).
//
// It is resemblance(a, b) >= NearDuplicateResemblance, worked out without
// the whole merge for most pairs (a search compares up to
// maxNearDupCandidates² / 2 of them): sets whose sizes differ by more
// than the threshold allows cannot resemble enough (|A∩B| / |A∪B| <=
// min/max), and the merge stops once it has seen more hashes in one
// sketch only than the threshold leaves room for.
func nearDuplicate(a, b sketch) bool {
	if a.shingles < nearDupMinShingles || b.shingles < nearDupMinShingles {
		return false
	}
	lo, hi := min(a.shingles, b.shingles), max(a.shingles, b.shingles)
	if float64(lo) < NearDuplicateResemblance*float64(hi) {
		return false
	}
	// At most k = min(sketchSize, |a.mins| + |b.mins|) hashes are taken;
	// more than (1 - threshold)·k of them in one sketch only is too many.
	k := min(sketchSize, len(a.mins)+len(b.mins))
	allowed := int((1-NearDuplicateResemblance)*float64(k) + 1e-9) // 1 - 0.8 is 0.19999…
	taken, both := mergeSketches(a, b, allowed)
	if taken-both > allowed {
		return false
	}
	return taken > 0 && float64(both) >= NearDuplicateResemblance*float64(taken)
}

// nearDupLead returns how many of the smallest hashes of two sketches hold
// their smallest common hash whenever nearDuplicate holds for them: one
// more than the most hashes in one sketch only that nearDuplicate's merge
// allows (at most (1 − NearDuplicateResemblance)·sketchSize). Every hash
// the merge takes before the smallest common one is in one sketch only,
// and the merge gives up (false) once more than it allows were taken; so
// of two near duplicates each has fewer than nearDupLead hashes below
// their smallest common one. Two sketches whose first nearDupLead hashes
// share none are not near duplicates.
func nearDupLead() int {
	allowed := (1 - NearDuplicateResemblance) * sketchSize // nearDuplicate's most, at k = sketchSize
	return int(allowed+1e-9) + 1
}

// collapseNearDuplicates keeps, of local files that are near duplicates
// of a better-ranked local file (nearDuplicate), only the better one, and
// lists the others' URLs (and their other formats) in its
// NearDuplicates; other results and the order of what is kept are
// unchanged. Only the first maxNearDupCandidates files are compared; a
// file whose terms cannot be read (removed since) is kept as it is. It
// works in place, in merged's array.
func (a *Agent) collapseNearDuplicates(ctx context.Context, merged []Merged) []Merged {
	version := a.ix.Version()
	return collapseIndexed(merged, &a.nearDups, version, &a.leadTables, func(m *Merged) (sketch, bool) {
		if ctx.Err() != nil {
			return sketch{}, false
		}
		if sk, ok := a.sketches.Get(version, m.DocID); ok {
			return sk, true
		}
		d, found, err := a.ix.GetHead(ctx, m.DocID, nearDupTextBytes)
		if err != nil || !found {
			return sketch{}, false
		}
		sk := shingleSketch(a.ix.Analyze(d.Title + "\n" + d.Body))
		a.sketches.Put(version, m.DocID, sk)
		return sk, true
	})
}

// collapseSketched is collapseNearDuplicates with the files' sketches
// from sketchOf (false: the file is kept as it is, uncompared). Results
// are moved only when one before them was collapsed.
func collapseSketched(merged []Merged, tables *leadTables, sketchOf func(*Merged) (sketch, bool)) []Merged {
	type kept struct {
		at int // index in out
		sk sketch
	}
	var files []kept
	// leads finds, for each of the first nearDupLead hashes of a file's
	// sketch, the kept files that have it among theirs: only those can be
	// near duplicates of it (nearDupLead), so a file is compared with
	// them, not with every file kept.
	var leads *leadTable
	var maybe []int
	lead := nearDupLead()
	n := 0 // merged[:n] is what is kept so far
	keep := func(i int) {
		if i != n {
			merged[n] = merged[i]
		}
		n++
	}
	candidates := 0
	for i := range merged {
		m := &merged[i]
		if m.Origin != "file" || m.DocID == "" || candidates >= maxNearDupCandidates {
			keep(i)
			continue
		}
		candidates++
		sk, ok := sketchOf(m)
		if !ok || sk.shingles < nearDupMinShingles {
			// A short text is nobody's near duplicate (nearDuplicate):
			// neither compared nor kept for comparison.
			keep(i)
			continue
		}
		maybe = maybe[:0]
		if leads != nil {
			for _, h := range sk.mins[:min(len(sk.mins), lead)] {
				maybe = leads.find(h, maybe)
			}
		}
		slices.Sort(maybe) // the better-ranked file first, as among all of them
		dup := false
		for j, f := range maybe {
			if j > 0 && f == maybe[j-1] {
				continue
			}
			k := files[f]
			if nearDuplicate(k.sk, sk) {
				o := &merged[k.at]
				o.NearDuplicates = append(o.NearDuplicates, m.URL)
				o.NearDuplicates = append(o.NearDuplicates, m.Formats...)
				o.NearDuplicates = append(o.NearDuplicates, m.NearDuplicates...)
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		if leads == nil {
			leads = tables.get(min(len(merged), maxNearDupCandidates) * lead)
			defer tables.put(leads)
			files = make([]kept, 0, min(len(merged)-i, maxNearDupCandidates))
		}
		for _, h := range sk.mins[:min(len(sk.mins), lead)] {
			leads.add(h, len(files))
		}
		files = append(files, kept{at: n, sk: sk})
		keep(i)
	}
	return merged[:n]
}

// orEmpty is s, or an empty list for nil (JSON [] rather than null).
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// leadTable is a multimap from the first hashes of kept files' sketches to
// the files (their indexes among the kept ones): open addressing over one
// array, at most half full, so a search's hundreds of entries cost no
// allocation each. A slot keeps only the low 32 bits of its hash (8 bytes
// a slot: a search's table, some 1,300 entries, fits in 32 KiB): find may
// then name a file that holds another hash with the same low bits, which
// the caller's nearDuplicate, comparing the whole sketches, turns down;
// it never misses a file that holds h.
type leadTable struct {
	slots []leadSlot // a power of two long
}

// leadSlot is the low bits of a hash and a file holding it (index + 1; 0:
// empty).
type leadSlot struct {
	hash uint32
	file uint32
}

// slot is where h's probe starts (the hashes are FNV-1a's, mixed again so
// that their low bits spread).
func (t *leadTable) slot(h uint64) uint64 {
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return h & uint64(len(t.slots)-1)
}

// add records that the kept file holds h.
func (t *leadTable) add(h uint64, file int) {
	mask := uint64(len(t.slots) - 1)
	i := t.slot(h)
	for t.slots[i].file != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = leadSlot{uint32(h), uint32(file + 1)}
}

// find appends to out the kept files holding h, and perhaps a few holding
// another hash with h's low 32 bits.
func (t *leadTable) find(h uint64, out []int) []int {
	mask := uint64(len(t.slots) - 1)
	low := uint32(h)
	for i := t.slot(h); t.slots[i].file != 0; i = (i + 1) & mask {
		if t.slots[i].hash == low {
			out = append(out, int(t.slots[i].file-1))
		}
	}
	return out
}

// leadTables lends empty lead tables out, so that searches reuse them.
// The zero value is ready to use.
type leadTables struct {
	pool sync.Pool
}

// get returns an empty table for at least entries entries.
func (p *leadTables) get(entries int) *leadTable {
	size := 16
	for size < 2*entries {
		size *= 2
	}
	if t, ok := p.pool.Get().(*leadTable); ok && len(t.slots) >= size {
		return t
	}
	return &leadTable{slots: make([]leadSlot, size)}
}

// put empties t and keeps it for another search.
func (p *leadTables) put(t *leadTable) {
	clear(t.slots)
	p.pool.Put(t)
}
