package usermodel

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Config tunes how feedback becomes a profile. Start from DefaultConfig.
type Config struct {
	// Beta is the weight of a document marked interested. Default 1.
	Beta float64
	// Gamma is the weight of a document marked not interested, subtracted;
	// smaller than Beta because a rejection says less than an approval
	// (Rocchio's classic setting). Default 0.5.
	Gamma float64
	// DecayPerMark multiplies the profile before each new mark, so older
	// evidence fades as new evidence arrives. Default 0.97 (a mark's weight
	// halves after about 23 newer marks).
	DecayPerMark float64
	// HalfLife additionally halves the profile for every HalfLife of time
	// between two marks, so interests a person stopped showing fade.
	// Default 90 days; 0 turns time decay off.
	HalfLife time.Duration
	// MaxTerms bounds the profile: after each mark only the MaxTerms terms
	// of largest absolute weight are kept. Default 400.
	MaxTerms int
	// MaxDocTerms bounds what one marked document contributes: its
	// MaxDocTerms heaviest terms. Default 100.
	MaxDocTerms int
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		Beta:         1,
		Gamma:        0.5,
		DecayPerMark: 0.97,
		HalfLife:     90 * 24 * time.Hour,
		MaxTerms:     400,
		MaxDocTerms:  100,
	}
}

// Validate reports a configuration that would corrupt profiles.
func (c Config) Validate() error {
	var errs []error
	if !(c.Beta >= 0) || math.IsInf(c.Beta, 0) || !(c.Gamma >= 0) || math.IsInf(c.Gamma, 0) {
		errs = append(errs, fmt.Errorf("beta %v and gamma %v must be finite and >= 0", c.Beta, c.Gamma))
	}
	if !(c.DecayPerMark > 0 && c.DecayPerMark <= 1) {
		errs = append(errs, fmt.Errorf("decay per mark %v must be in (0, 1]", c.DecayPerMark))
	}
	if c.HalfLife < 0 {
		errs = append(errs, fmt.Errorf("half-life %v must be >= 0", c.HalfLife))
	}
	if c.MaxTerms <= 0 || c.MaxDocTerms <= 0 {
		errs = append(errs, fmt.Errorf("max terms %d and max doc terms %d must be > 0", c.MaxTerms, c.MaxDocTerms))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("usermodel: invalid config: %w", err)
	}
	return nil
}

// Mark is one piece of feedback: a person marked a result of a query
// interested or not. It carries the document's term vector as it was when
// marked, so the profile can be rebuilt from the log alone, exactly.
type Mark struct {
	// Seq numbers marks in the log, from 1; set by the Store.
	Seq uint64 `json:"seq"`
	// QueryID is the search the result was shown for.
	QueryID string `json:"query_id"`
	// Query is that search's text.
	Query string `json:"query"`
	// QueryVec is the query's tf-idf vector (for finding similar past queries).
	QueryVec Vector `json:"query_vec,omitempty"`
	// URL identifies the marked result (canonical URL).
	URL string `json:"url"`
	// DocID is the local index ID of the result, if it is in the index.
	DocID string `json:"doc_id,omitempty"`
	// Title is the result's title, for display.
	Title string `json:"title,omitempty"`
	// Source lists the sources that returned the result (local, engines, peers).
	Source []string `json:"source,omitempty"`
	// Interested is the mark: true for interested, false for not.
	Interested bool `json:"interested"`
	// Time is when the mark was made.
	Time time.Time `json:"time"`
	// Doc is the result's unit-length tf-idf vector at marking time.
	Doc Vector `json:"doc"`
}

// Validate reports a mark that must not enter the log.
func (m Mark) Validate() error {
	if m.URL == "" {
		return errors.New("usermodel: mark has no URL")
	}
	if m.Time.IsZero() {
		return errors.New("usermodel: mark has no time")
	}
	if len(m.Doc) == 0 {
		return fmt.Errorf("usermodel: mark of %s has an empty document vector (no searchable words)", m.URL)
	}
	if err := m.Doc.Validate(); err != nil {
		return fmt.Errorf("usermodel: mark of %s: %w", m.URL, err)
	}
	if err := m.QueryVec.Validate(); err != nil {
		return fmt.Errorf("usermodel: mark of %s: query: %w", m.URL, err)
	}
	return nil
}

// Profile is a person's interests as a bounded sparse term vector, derived
// from the feedback log.
type Profile struct {
	// Terms are the weighted interest terms; positive weights attract,
	// negative weights repel.
	Terms Vector `json:"terms"`
	// Marks is the number of marks applied.
	Marks int `json:"marks"`
	// LastMark is the time of the latest mark applied (zero if none).
	LastMark time.Time `json:"last_mark"`
	// Version increases with every change; peers use it to tell fresh
	// fingerprints from stale ones.
	Version uint64 `json:"version"`
}

// Apply folds one mark into the profile (Rocchio with decay):
//
//	P ← d · P ± w · doc,   d = DecayPerMark · 2^(−Δt/HalfLife)
//
// with w = Beta for interested and Gamma (subtracted) for not interested,
// Δt the time since the previous mark, doc the mark's vector cut to its
// MaxDocTerms heaviest terms, then the profile cut to MaxTerms terms.
// Apply never sees a mark that fails Validate: it returns an error and
// leaves the profile unchanged.
func (p *Profile) Apply(cfg Config, m Mark) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if p.Terms == nil {
		p.Terms = Vector{}
	}
	decay := cfg.DecayPerMark
	if cfg.HalfLife > 0 && !p.LastMark.IsZero() && m.Time.After(p.LastMark) {
		decay *= math.Exp2(-float64(m.Time.Sub(p.LastMark)) / float64(cfg.HalfLife))
	}
	p.Terms.Scale(decay)
	doc := m.Doc.Clone()
	doc.Prune(cfg.MaxDocTerms)
	if m.Interested {
		p.Terms.AddScaled(doc, cfg.Beta)
	} else {
		p.Terms.AddScaled(doc, -cfg.Gamma)
	}
	for t, w := range p.Terms { // drop what decayed to nothing
		if math.Abs(w) < 1e-9 {
			delete(p.Terms, t)
		}
	}
	p.Terms.Prune(cfg.MaxTerms)
	p.Marks++
	if m.Time.After(p.LastMark) {
		p.LastMark = m.Time
	}
	p.Version++
	return nil
}

// Rebuild derives the profile from a feedback log, applying marks in
// order. Applying the same marks one by one gives exactly the same profile,
// which is what makes undo exact: drop the last mark and rebuild.
func Rebuild(cfg Config, marks []Mark) (Profile, error) {
	var p Profile
	for _, m := range marks {
		if err := p.Apply(cfg, m); err != nil {
			return Profile{}, fmt.Errorf("usermodel: rebuild at mark %d: %w", m.Seq, err)
		}
	}
	return p, nil
}

// Interests returns the n strongest positive interest terms.
func (p Profile) Interests(n int) []TermWeight {
	var out []TermWeight
	for _, tw := range p.Terms.Sorted() {
		if tw.Weight <= 0 || len(out) == n {
			break
		}
		out = append(out, tw)
	}
	return out
}

// Dislikes returns the n strongest negative terms, most negative first.
func (p Profile) Dislikes(n int) []TermWeight {
	s := p.Terms.Sorted()
	var out []TermWeight
	for i := len(s) - 1; i >= 0 && len(out) < n; i-- {
		if s[i].Weight >= 0 {
			break
		}
		out = append(out, s[i])
	}
	return out
}
