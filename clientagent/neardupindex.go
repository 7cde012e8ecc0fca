package clientagent

import (
	"sync"
)

// maxIndexedSketches bounds the files a nearDupIndex holds (their lead
// hashes some 32 bytes each, about 3.5 MiB at the bound); a search that
// would take it past the bound empties it first.
const maxIndexedSketches = maxCachedSketches / 2

// nearDupIndex knows, for one version of the local index, which of the
// files whose sketches it holds are near duplicates of which
// (nearDuplicate, worked out once a pair): a file's partners. A file goes
// in with the sketch a search read for it, and is compared then with the
// files already in that share one of its first nearDupLead hashes (only
// those can be its near duplicates: nearDupLead). So every near-duplicate
// pair of files held is in both files' partners, and a search's collapse
// (collapseIndexed) looks up its candidates' partners instead of comparing
// the candidates' sketches each search: most files have no partner. The
// zero value is an empty index, safe for concurrent use.
type nearDupIndex struct {
	mu      sync.Mutex
	version uint64
	docs    map[string]*dupDoc
	// heads maps each lead hash to its first link in links and the files
	// holding it; links chain those files (dupDoc numbers), newest first.
	heads map[uint64]leadHead
	links []dupLink
	all   []*dupDoc // by number
	// search numbers the collapses, for dupDoc.keptIn; insert the files
	// put in, for dupDoc.comparedIn.
	search, insert uint64
	// resets counts the times the index was emptied.
	resets uint64
}

// dupDoc is a file in a nearDupIndex: its sketch and its near duplicates
// among the files held (entries of the same index, which is emptied
// whole: a partner list never outlives the version it was worked out
// for).
type dupDoc struct {
	id       string
	sk       sketch
	partners []*dupDoc
	// keptIn is the collapse (nearDupIndex.search) that last kept the
	// file, at keptAt in its collapsed list: found again in it (under
	// another URL), it is its own near duplicate.
	keptIn uint64
	keptAt int
	// comparedIn is the insert (nearDupIndex.insert) that last compared
	// another file with this one.
	comparedIn uint64
}

// leadHead is where the chain of the files holding a lead hash starts
// (index + 1 in links), and how many they are.
type leadHead struct {
	first, files uint32
}

// maxPutInComparisons bounds the files held that a file put in is
// compared with (those sharing one of its lead hashes): files that share
// boilerplate (a licence at the top of every source file) can share lead
// hashes with most files held, and a search putting in its candidates
// would compare each with thousands. Such a file is not put in, and the
// search collapses as collapseSketched does, comparing its candidates
// with one another only.
const maxPutInComparisons = 512

// dupLink is one file holding a lead hash, and the next link (index + 1;
// 0: the last).
type dupLink struct {
	doc  uint32
	next uint32
}

// sketchedFile is a candidate of a search's collapse: its place among the
// merged results, its document, its sketch and its entry in the index.
type sketchedFile struct {
	at   int
	id   string
	sk   sketch
	d    *dupDoc
	skip bool // kept as it is: no sketch, or nobody's near duplicate
}

// collapseIndexed is collapseSketched's collapse (the same results kept,
// in the same order, with the same NearDuplicates) from the files'
// partners in idx at version: files are looked up, and those not held are
// put in (compared once with the files held), rather than every search
// comparing its candidates' lead hashes. A file held needs no sketchOf.
// When idx holds a newer version than the search read, it falls back to
// collapseSketched.
func collapseIndexed(merged []Merged, idx *nearDupIndex, version uint64, tables *leadTables, sketchOf func(*Merged) (sketch, bool)) []Merged {
	var files []sketchedFile
	for i := range merged {
		m := &merged[i]
		if m.Origin != "file" || m.DocID == "" {
			continue
		}
		if files == nil {
			files = make([]sketchedFile, 0, min(len(merged)-i, maxNearDupCandidates))
		}
		files = append(files, sketchedFile{at: i, id: m.DocID})
		if len(files) == maxNearDupCandidates {
			break
		}
	}
	if len(files) < 2 {
		return merged // nothing to compare
	}
	// The files held, in one look-up each; the others' sketches are read
	// without the lock (from the index, when not yet known).
	idx.mu.Lock()
	reset := idx.resets
	if idx.docs != nil && idx.version == version {
		for j := range files {
			files[j].d = idx.docs[files[j].id]
		}
	}
	idx.mu.Unlock()
	for j := range files {
		f := &files[j]
		if f.d != nil {
			f.sk = f.d.sk
			continue
		}
		sk, ok := sketchOf(&merged[f.at])
		f.sk, f.skip = sk, !ok || sk.shingles < nearDupMinShingles
	}
	idx.mu.Lock()
	defer idx.mu.Unlock()
	if !idx.ready(version, len(files)) {
		return collapseSketched(merged, tables, sketchOf)
	}
	idx.search++
	for j := range files {
		f := &files[j]
		if f.skip {
			continue
		}
		if f.d == nil || idx.resets != reset { // emptied since: put in again
			if f.d = idx.lookup(f.id, f.sk); f.d == nil {
				return collapseSketched(merged, tables, sketchOf) // too common to hold
			}
		}
	}
	// A file is the near duplicate of the first kept file (the smallest
	// place in the collapsed list) among its partners, or of itself kept
	// before under another URL, as collapseSketched finds comparing it
	// with the kept files in turn; the kept ones are marked
	// (dupDoc.keptIn, keptAt), so the partners are walked once.
	n := 0
	next := 0 // files[next] is the next candidate in merged
	for i := range merged {
		if next == len(files) || files[next].at != i || files[next].skip {
			if next < len(files) && files[next].at == i {
				next++
			}
			if i != n {
				merged[n] = merged[i]
			}
			n++
			continue
		}
		d := files[next].d
		next++
		dupOf := -1
		if d.keptIn == idx.search {
			dupOf = d.keptAt
		}
		for _, p := range d.partners {
			if p.keptIn == idx.search && (dupOf < 0 || p.keptAt < dupOf) {
				dupOf = p.keptAt
			}
		}
		if dupOf >= 0 {
			o := &merged[dupOf]
			m := &merged[i]
			o.NearDuplicates = append(o.NearDuplicates, m.URL)
			o.NearDuplicates = append(o.NearDuplicates, m.Formats...)
			o.NearDuplicates = append(o.NearDuplicates, m.NearDuplicates...)
			continue
		}
		d.keptIn, d.keptAt = idx.search, n
		if i != n {
			merged[n] = merged[i]
		}
		n++
	}
	return merged[:n]
}

// ready makes idx hold the files of version, with room for more new
// ones (emptied first when the version is newer or the bound is near);
// false when idx already holds a newer version than the search read.
// idx.mu is held.
func (idx *nearDupIndex) ready(version uint64, more int) bool {
	switch {
	case idx.docs != nil && version < idx.version:
		return false
	case idx.docs == nil || version > idx.version || len(idx.docs)+more > maxIndexedSketches:
		idx.resets++
		idx.version = version
		idx.docs = make(map[string]*dupDoc)
		idx.heads = make(map[uint64]leadHead)
		idx.links = idx.links[:0]
		clear(idx.all)
		idx.all = idx.all[:0]
	}
	return true
}

// lookup returns the file id with sketch sk, putting it in (and working
// out its partners among the files held) when it is not held; nil when
// putting it in would compare it with more than maxPutInComparisons files.
// idx.mu is held.
func (idx *nearDupIndex) lookup(id string, sk sketch) *dupDoc {
	if d, ok := idx.docs[id]; ok {
		return d
	}
	lead := sk.mins[:min(len(sk.mins), nearDupLead())]
	sharing := 0
	for _, h := range lead {
		sharing += int(idx.heads[h].files)
	}
	if sharing > maxPutInComparisons {
		return nil
	}
	d := &dupDoc{id: id, sk: sk}
	num := uint32(len(idx.all))
	// Each file held is compared once, however many lead hashes it
	// shares.
	idx.insert++
	for _, h := range lead {
		for l := idx.heads[h].first; l != 0; l = idx.links[l-1].next {
			other := idx.all[idx.links[l-1].doc]
			if other.comparedIn == idx.insert {
				continue
			}
			other.comparedIn = idx.insert
			if nearDuplicate(other.sk, sk) {
				other.partners = append(other.partners, d)
				d.partners = append(d.partners, other)
			}
		}
	}
	for _, h := range lead {
		head := idx.heads[h]
		idx.links = append(idx.links, dupLink{doc: num, next: head.first})
		idx.heads[h] = leadHead{first: uint32(len(idx.links)), files: head.files + 1}
	}
	idx.all = append(idx.all, d)
	idx.docs[id] = d
	return d
}
