package p2pirv1

import (
	"crypto/ed25519"
	"fmt"
	"hash/fnv"
	"math"

	"google.golang.org/protobuf/proto"
)

const (
	// MaxSummaryBytes caps CollectionSummary.body.
	MaxSummaryBytes = 256 << 10
	// MaxSummaryTerms caps SummaryBody.term_hashes.
	MaxSummaryTerms = 16384
	// MaxGossipSummaries caps ProfileExchange.summaries.
	MaxGossipSummaries = 16
	// MaxRouteFloor caps SearchRequest.route_floor.
	MaxRouteFloor = 1e9
	// MaxAvgDocLen caps CorpusStats.avg_doc_len.
	MaxAvgDocLen = 1e9
	// SummarySignaturePrefix starts the bytes a CollectionSummary's
	// signature covers, followed by a zero byte and the body.
	SummarySignaturePrefix = "p2pir-summary-v1"
)

// TermHash is the 32-bit FNV-1a hash of an analysed term, as
// SummaryBody.term_hashes holds it.
func TermHash(term string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(term))
	return h.Sum32()
}

// Validate checks the summary's form (sizes, and a body that parses and
// passes SummaryBody.Validate); Open checks its signature.
func (s *CollectionSummary) Validate() error { return checkSummary(s, "CollectionSummary") }

// Validate checks the body: a node ID, strictly increasing term hashes, one
// document frequency (1 to docs) and one impact byte per hash.
func (b *SummaryBody) Validate() error { return checkSummaryBody(b, "SummaryBody") }

// Validate checks the pooled statistics: at least one document, a finite
// average length, at most MaxTerms valid terms, none twice.
func (c *CorpusStats) Validate() error { return checkCorpus(c, "CorpusStats") }

// SignSummary serialises body and signs it with sign, the Ed25519 signer
// of the key pub (e.g. identity.Identity.Sign).
func SignSummary(pub ed25519.PublicKey, sign func([]byte) []byte, body *SummaryBody) (*CollectionSummary, error) {
	if err := body.Validate(); err != nil {
		return nil, err
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("p2pirv1: sign summary: %w", err)
	}
	if len(b) > MaxSummaryBytes {
		return nil, fmt.Errorf("p2pirv1: sign summary: %d bytes, at most %d", len(b), MaxSummaryBytes)
	}
	return &CollectionSummary{Body: b, PublicKey: pub, Signature: sign(signedBytes(b))}, nil
}

// Open checks the summary's form and signature and returns its body: ParseBody
// then Verify. The caller must still check that the body's node_id
// belongs to PublicKey (identity.NodeIDFromPublicKey): the signature
// proves only that the key's holder wrote it.
func (s *CollectionSummary) Open() (*SummaryBody, error) {
	body, err := s.ParseBody()
	if err != nil {
		return nil, err
	}
	if err := s.Verify(); err != nil {
		return nil, err
	}
	return body, nil
}

// ParseBody parses and checks the summary's form and body without checking the
// signature (the cheap part: a receiver decides from it whether the
// summary is new enough to be worth verifying).
func (s *CollectionSummary) ParseBody() (*SummaryBody, error) {
	const p = "CollectionSummary"
	if err := checkSummaryEnvelope(s, p); err != nil {
		return nil, err
	}
	body := new(SummaryBody)
	if err := proto.Unmarshal(s.GetBody(), body); err != nil {
		return nil, invalid(p+".body", "%v", err)
	}
	if err := checkSummaryBody(body, p+".body"); err != nil {
		return nil, err
	}
	return body, nil
}

// Verify checks the signature over the body bytes with PublicKey.
func (s *CollectionSummary) Verify() error {
	if err := checkSummaryEnvelope(s, "CollectionSummary"); err != nil {
		return err
	}
	if !ed25519.Verify(s.GetPublicKey(), signedBytes(s.GetBody()), s.GetSignature()) {
		return invalid("CollectionSummary.signature", "does not match the body and key")
	}
	return nil
}

func signedBytes(body []byte) []byte {
	out := make([]byte, 0, len(SummarySignaturePrefix)+1+len(body))
	out = append(out, SummarySignaturePrefix...)
	out = append(out, 0)
	return append(out, body...)
}

func checkSummary(s *CollectionSummary, p string) error {
	if err := checkSummaryEnvelope(s, p); err != nil {
		return err
	}
	body := new(SummaryBody)
	if err := proto.Unmarshal(s.GetBody(), body); err != nil {
		return invalid(p+".body", "%v", err)
	}
	return checkSummaryBody(body, p+".body")
}

// checkSummaryEnvelope checks the sizes of body, key and signature.
func checkSummaryEnvelope(s *CollectionSummary, p string) error {
	if s == nil {
		return invalid(p, "missing")
	}
	if n := len(s.GetBody()); n == 0 || n > MaxSummaryBytes {
		return invalid(p+".body", "%d bytes, want 1 to %d", n, MaxSummaryBytes)
	}
	if n := len(s.GetPublicKey()); n != ed25519.PublicKeySize {
		return invalid(p+".public_key", "%d bytes, want %d", n, ed25519.PublicKeySize)
	}
	if n := len(s.GetSignature()); n != ed25519.SignatureSize {
		return invalid(p+".signature", "%d bytes, want %d", n, ed25519.SignatureSize)
	}
	return nil
}

func checkSummaryBody(b *SummaryBody, p string) error {
	if b == nil {
		return invalid(p, "missing")
	}
	if err := checkToken(b.GetNodeId(), MaxNodeIDBytes, p+".node_id"); err != nil {
		return err
	}
	hs, dfs, imp := b.GetTermHashes(), b.GetDfs(), b.GetImpacts()
	if len(hs) > MaxSummaryTerms {
		return invalid(p+".term_hashes", "%d terms, at most %d", len(hs), MaxSummaryTerms)
	}
	if len(dfs) != len(hs) || len(imp) != len(hs) {
		return invalid(p, "%d term hashes, %d document frequencies and %d impacts; want one of each per term", len(hs), len(dfs), len(imp))
	}
	if len(hs) > 0 && b.GetDocs() == 0 {
		return invalid(p+".docs", "0 documents with %d terms", len(hs))
	}
	for i, h := range hs {
		if i > 0 && h <= hs[i-1] {
			return invalid(fmt.Sprintf("%s.term_hashes[%d]", p, i), "not above the previous one")
		}
		if d := dfs[i]; d == 0 || uint64(d) > b.GetDocs() {
			return invalid(fmt.Sprintf("%s.dfs[%d]", p, i), "%d, want 1 to %d", d, b.GetDocs())
		}
	}
	return nil
}

func checkCorpus(c *CorpusStats, p string) error {
	if c == nil {
		return invalid(p, "missing")
	}
	if c.GetDocs() == 0 {
		return invalid(p+".docs", "0, want at least 1")
	}
	if l := c.GetAvgDocLen(); math.IsNaN(l) || l < 0 || l > MaxAvgDocLen {
		return invalid(p+".avg_doc_len", "%v, want 0 to %g", l, float64(MaxAvgDocLen))
	}
	if n := len(c.GetTerms()); n > MaxTerms {
		return invalid(p+".terms", "%d terms, at most %d", n, MaxTerms)
	}
	seen := make(map[string]bool, len(c.GetTerms()))
	for i, t := range c.GetTerms() {
		wt := &WeightedTerm{Term: t.GetTerm()}
		if err := checkTerm(wt, ""); err != nil {
			return checkTerm(wt, indexPath(p+".terms", i)) // again, to name it
		}
		if seen[t.GetTerm()] {
			return invalid(indexPath(p+".terms", i)+".term", "%q repeated", t.GetTerm())
		}
		seen[t.GetTerm()] = true
	}
	return nil
}
