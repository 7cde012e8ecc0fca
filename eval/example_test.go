package eval_test

import (
	"fmt"
	"os"

	"github.com/p2pir/p2pir/eval"
)

// Evaluate a run against judgments and write it for trec_eval. Query 1
// ranks its relevant docs 1st and 2nd (d3 before d2: equal scores are
// ordered by decreasing docno), so AP and nDCG@10 are 1; query 2 ranks its
// one relevant doc 2nd: AP 0.5, nDCG@10 1/log2(3) = 0.6309.
func Example() {
	qrels := eval.Qrels{
		"1": {"d1": 1, "d3": 1},
		"2": {"d2": 1},
	}
	run := eval.Run{
		"1": {{DocNo: "d1", Score: 12.5}, {DocNo: "d2", Score: 7}, {DocNo: "d3", Score: 7}},
		"2": {{DocNo: "d9", Score: 3}, {DocNo: "d2", Score: 1}},
	}
	sum, _, err := eval.Evaluate(run, qrels)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("num_q %d  map %.4f  P_10 %.4f  ndcg_cut_10 %.4f\n", sum.NumQ, sum.MAP, sum.P10, sum.NDCG10)
	if err := eval.WriteRun(os.Stdout, "demo", run); err != nil {
		fmt.Println(err)
	}
	// Output:
	// num_q 2  map 0.7500  P_10 0.1500  ndcg_cut_10 0.8155
	// 1 Q0 d1 1 12.5 demo
	// 1 Q0 d3 2 7 demo
	// 1 Q0 d2 3 7 demo
	// 2 Q0 d9 1 3 demo
	// 2 Q0 d2 2 1 demo
}
