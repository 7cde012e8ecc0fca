package serveragent

import (
	"encoding/binary"
	"math"
	"sync"

	"github.com/p2pir/p2pir/internal/memo"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/usermodel"
)

// Decoded keeps what nodes decoded from peers' wire data, by the exact
// bytes it came from: fingerprints, and collection summaries with the
// outcome of their signature check. Gossip brings the same fingerprint
// and summary to a node many times (first-hand, and in other peers'
// known lists), and a node of a network of N holds N of each; decoding
// is a pure function of the bytes, so the result can be kept and, among
// nodes of one process, shared. What it returns is shared and must not
// be modified. Safe for concurrent use.
type Decoded struct {
	fps   *memo.Cache[decodedFP]
	colls *memo.Cache[decodedColl]
	bufs  sync.Pool // *[]byte: lookup keys
}

// decodedFP is a parsed wire fingerprint; ok is false for an invalid one.
type decodedFP struct {
	fp usermodel.Fingerprint
	ok bool
}

// decodedColl is a collection summary whose body parsed, whose signature
// matches its key and whose key is its node's; nil coll otherwise.
type decodedColl struct {
	body *p2pirv1.SummaryBody
	coll *collection
}

// Bounds of Decoded: distinct fingerprints and summaries kept (each
// about 8 KiB and 2 KiB). A fingerprint or summary changes when its
// node's profile or shared documents do, so a network of N nodes has a
// few N distinct ones at a time.
const (
	maxDecodedFPs   = 16384
	maxDecodedColls = 16384
)

// NewDecoded returns an empty Decoded.
func NewDecoded() *Decoded {
	return &Decoded{fps: memo.New[decodedFP](maxDecodedFPs), colls: memo.New[decodedColl](maxDecodedColls)}
}

// buf returns a buffer from the pool, emptied; put gives it back.
func (d *Decoded) buf() *[]byte {
	if bp, _ := d.bufs.Get().(*[]byte); bp != nil {
		*bp = (*bp)[:0]
		return bp
	}
	return new([]byte)
}

// appendPart appends p preceded by its length, so that no two lists of
// parts make the same key.
func appendPart(b, p []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(p))), p...)
}

// fingerprint parses a wire fingerprint (see parseWireFP), once per
// distinct version and values.
func (d *Decoded) fingerprint(f *p2pirv1.Fingerprint) (usermodel.Fingerprint, bool) {
	if f == nil || f.GetScheme() != usermodel.FingerprintScheme {
		return usermodel.Fingerprint{}, false
	}
	vals := f.GetValues()
	bp := d.buf()
	defer d.bufs.Put(bp)
	key := binary.LittleEndian.AppendUint64(*bp, f.GetVersion())
	for _, v := range vals { // the values' bits: the exact key
		key = binary.LittleEndian.AppendUint32(key, math.Float32bits(v))
	}
	*bp = key
	r := d.fps.Get(key, func() decodedFP {
		fp, err := usermodel.ParseFingerprint(vals, p2pirv1.FingerprintDim, f.GetVersion())
		return decodedFP{fp, err == nil}
	}, nil)
	return r.fp, r.ok
}

// collection parses a collection summary and checks its signature and
// that its key is its node's; ok is false when any of that fails.
func (d *Decoded) collection(s *p2pirv1.CollectionSummary) (body *p2pirv1.SummaryBody, c *collection, ok bool) {
	bp := d.buf()
	defer d.bufs.Put(bp)
	key := appendPart(appendPart(appendPart(*bp, s.GetBody()), s.GetPublicKey()), s.GetSignature())
	*bp = key
	r := d.colls.Get(key, func() decodedColl {
		body, err := s.ParseBody()
		if err != nil || s.Verify() != nil || identity.NodeIDFromPublicKey(s.GetPublicKey()) != body.GetNodeId() {
			return decodedColl{}
		}
		return decodedColl{body, collectionOf(body, s)}
	}, nil)
	return r.body, r.coll, r.coll != nil
}
