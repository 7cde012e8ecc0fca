package sim

import (
	"errors"
	"fmt"
)

// Check returns the harness's invariants that the results break, joined
// (nil when all hold):
//
//   - with rank fusion (scoring "rrf"), the central index is the upper
//     bound: no strategy's nDCG@10 or MAP is above the central index's in
//     any round (an expectation on real collections, where the central
//     index sees every document with collection-wide statistics, not a
//     theorem: a toy corpus can break it). With pooled statistics every
//     node scores as the central index does, so a network that asks only
//     the nodes able to answer returns the central ranking without the
//     documents of the others — which can rank better than the central
//     index (collection selection removes off-topic documents the central
//     index ranks high); AboveCentral lists such cases instead;
//   - local search sends no message;
//   - a "not interested" mark on one peer's result lowers that peer's
//     learned weight and leaves another answering peer's as it was (the
//     trust probe, when the network learns per peer);
//   - the traces' message and byte counts equal what the network carried;
//   - no call between peers went unanswered (a timeout or failure makes
//     the numbers depend on timing, not only on the seed).
func (res *Results) Check() error {
	var errs []error
	cfg := res.Config
	for r := 0; r <= cfg.Rounds; r++ {
		if !cfg.pooled() {
			for _, a := range res.aboveCentral(r) {
				errs = append(errs, errors.New(a))
			}
		}
		if v, ok := res.value(StrategyLocal, r, MetricMessages); ok && v != 0 {
			errs = append(errs, fmt.Errorf("round %d: local search sent %.2f messages per query", r, v))
		}
	}
	if mb, ok := res.value("trust", cfg.Rounds, MetricMarkedBefore); ok {
		ma, _ := res.value("trust", cfg.Rounds, MetricMarkedAfter)
		ob, _ := res.value("trust", cfg.Rounds, MetricOtherBefore)
		oa, _ := res.value("trust", cfg.Rounds, MetricOtherAfter)
		if !(ma < mb) {
			errs = append(errs, fmt.Errorf("a \"not interested\" mark left the marked peer's weight at %.4f (was %.4f)", ma, mb))
		}
		if oa != ob {
			errs = append(errs, fmt.Errorf("a mark on one peer's result moved another peer's weight from %.4f to %.4f", ob, oa))
		}
	}
	if res.TraceMessages != res.Carried.Messages {
		errs = append(errs, fmt.Errorf("the traces count %d messages, the network carried %d", res.TraceMessages, res.Carried.Messages))
	}
	if res.TraceBytes != res.Carried.Bytes {
		errs = append(errs, fmt.Errorf("the traces count %d bytes, the network carried %d", res.TraceBytes, res.Carried.Bytes))
	}
	if res.LostCalls != 0 {
		errs = append(errs, fmt.Errorf("%d calls between peers went unanswered (timed out, refused or failed)", res.LostCalls))
	}
	return errors.Join(errs...)
}

// AboveCentral lists, for every round, the strategies whose nDCG@10 or
// MAP is above the central index's (see Check).
func (res *Results) AboveCentral() []string {
	var out []string
	for r := 0; r <= res.Config.Rounds; r++ {
		out = append(out, res.aboveCentral(r)...)
	}
	return out
}

func (res *Results) aboveCentral(r int) []string {
	var out []string
	for _, m := range []string{MetricNDCG10, MetricMAP} {
		c, ok := res.value(StrategyCentral, r, m)
		if !ok {
			continue
		}
		for _, s := range res.Config.Strategies {
			if v, ok := res.value(s, r, m); ok && v > c+1e-12 {
				out = append(out, fmt.Sprintf("round %d: %s %s %.4f is above the central index's %.4f", r, s, m, v, c))
			}
		}
	}
	return out
}
