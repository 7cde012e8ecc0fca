package serveragent

import (
	"testing"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/usermodel"
)

// Claim: Decoded gives what parsing gives, for valid and invalid
// fingerprints alike, and the same bytes a second time (from another
// message, as gossip brings them) give the very same decoded value, so
// nodes sharing a Decoded hold one copy.
func TestDecodedFingerprintsAreParsedOnceAndShared(t *testing.T) {
	d := NewDecoded()
	vals := make([]float32, p2pirv1.FingerprintDim)
	vals[3], vals[700] = 0.6, 0.8
	wire := func(v []float32, version uint64) *p2pirv1.Fingerprint {
		return &p2pirv1.Fingerprint{Scheme: usermodel.FingerprintScheme, Values: append([]float32(nil), v...), Version: version}
	}
	a, okA := d.fingerprint(wire(vals, 7))
	b, okB := d.fingerprint(wire(vals, 7))
	want, err := usermodel.ParseFingerprint(vals, p2pirv1.FingerprintDim, 7)
	if !okA || !okB || err != nil {
		t.Fatalf("a valid fingerprint was refused: %v %v %v", okA, okB, err)
	}
	if a.Vec != b.Vec {
		t.Error("the same fingerprint decoded twice is two copies, want one shared")
	}
	if a.Version != 7 || a.Similarity(want) < 0.999999 {
		t.Errorf("decoded %v (version %d), want the parsed fingerprint (version 7)", a.Vec.RawVector().Data[:4], a.Version)
	}
	// Another version or other values are another fingerprint.
	if c, _ := d.fingerprint(wire(vals, 8)); c.Vec == a.Vec || c.Version != 8 {
		t.Error("version 8 was served version 7's fingerprint")
	}
	other := append([]float32(nil), vals...)
	other[3], other[700] = 0.8, 0.6
	if c, _ := d.fingerprint(wire(other, 7)); c.Vec == a.Vec || c.Vec.AtVec(3) < 0.79 {
		t.Error("other values with the same version were served the first fingerprint")
	}
	// Invalid ones are refused every time, cached or not.
	bad := append([]float32(nil), vals...)
	bad[5] = 3 // not a unit vector
	for i := range 2 {
		if _, ok := d.fingerprint(wire(bad, 1)); ok {
			t.Errorf("attempt %d: a fingerprint of length 3.1 was accepted", i+1)
		}
	}
	if _, ok := d.fingerprint(&p2pirv1.Fingerprint{Scheme: "other", Values: vals}); ok {
		t.Error("a fingerprint of another scheme was accepted")
	}
}

// Claim: a summary whose signature is not its node's is refused from
// the cache as it is the first time, while the genuine summary with the
// same body is accepted and shared.
func TestDecodedSummariesAreCheckedOnceAndForgeriesStayRefused(t *testing.T) {
	d := NewDecoded()
	owner, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	forger, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	body := &p2pirv1.SummaryBody{NodeId: owner.NodeID(), Version: 3, Docs: 2, TotalLen: 9,
		TermHashes: []uint32{p2pirv1.TermHash("wing")}, Dfs: []uint32{2}, Impacts: []byte{200}}
	genuine, err := p2pirv1.SignSummary(owner.PublicKey(), owner.Sign, body)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := p2pirv1.SignSummary(forger.PublicKey(), forger.Sign, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, _, ok := d.collection(forged); ok {
			t.Errorf("attempt %d: a summary of %s signed by another key was accepted", i+1, owner.NodeID())
		}
	}
	tampered := &p2pirv1.CollectionSummary{Body: append([]byte(nil), genuine.GetBody()...), PublicKey: genuine.GetPublicKey(), Signature: append([]byte(nil), genuine.GetSignature()...)}
	tampered.Signature[0] ^= 1
	if _, _, ok := d.collection(tampered); ok {
		t.Error("a summary with a damaged signature was accepted")
	}
	b1, c1, ok1 := d.collection(genuine)
	again := &p2pirv1.CollectionSummary{Body: append([]byte(nil), genuine.GetBody()...), PublicKey: genuine.GetPublicKey(), Signature: genuine.GetSignature()}
	_, c2, ok2 := d.collection(again)
	if !ok1 || !ok2 {
		t.Fatalf("the genuine summary was refused: %v %v", ok1, ok2)
	}
	if c1 != c2 {
		t.Error("the same summary decoded twice is two copies, want one shared")
	}
	if b1.GetNodeId() != owner.NodeID() || c1.version != 3 || c1.docs != 2 {
		t.Errorf("decoded node %s version %d docs %d, want %s 3 2", b1.GetNodeId(), c1.version, c1.docs, owner.NodeID())
	}
	if df, _, ok := c1.Term(p2pirv1.TermHash("wing")); !ok || df != 2 {
		t.Errorf("the decoded summary gives wing df %d (%v), want 2", df, ok)
	}
}
