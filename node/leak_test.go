package node

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when its tests leave goroutines behind
// (goleak, after the tests passed; it retries for a while, so goroutines
// that are ending do not count). One kind is ignored: bleve's analysis
// workers, a process-wide pool that bleve's own init starts
// (bleve_index_api.NewAnalysisQueue from bleve's package configuration)
// and that lives as long as the process, whatever the tests open or close.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/blevesearch/bleve_index_api.AnalysisWorker"))
}
