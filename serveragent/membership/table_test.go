package membership

import (
	"testing"
	"time"
)

// stepClock is a clock the test moves by hand for the table's record of when members
// changed state.
type stepClock struct{ t time.Time }

func (c *stepClock) now() time.Time { return c.t }

// step is one event fed to a table in a scenario.
type step struct {
	op   string // "alive", "gone", "notice"
	boot uint64
	// wantReport is the state the step reports ("" when it reports
	// nothing); wantNews, for notices, whether it is worth relaying.
	wantReport State
	wantNews   bool
}

// Claim: a member that disappears after its leave notice is reported
// left, one that disappears without it dead; a notice arriving after the
// death turns dead into left (reported again); a notice from another run
// of the member (other boot nonce), or a repeated one, changes nothing; a
// new run clears an earlier notice.
func TestTableTellsLeftFromDead(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
	}{
		{"failure", []step{{op: "alive", boot: 1, wantReport: StateAlive}, {op: "gone", wantReport: StateDead}}},
		{"leave", []step{
			{op: "alive", boot: 1, wantReport: StateAlive},
			{op: "notice", boot: 1, wantNews: true},
			{op: "gone", wantReport: StateLeft},
		}},
		{"notice after the death", []step{
			{op: "alive", boot: 1, wantReport: StateAlive},
			{op: "gone", wantReport: StateDead},
			{op: "notice", boot: 1, wantReport: StateLeft, wantNews: true},
			{op: "notice", boot: 1},
		}},
		{"notice of another run", []step{
			{op: "alive", boot: 2, wantReport: StateAlive},
			{op: "notice", boot: 1},
			{op: "gone", wantReport: StateDead},
		}},
		{"repeated notice is not news", []step{
			{op: "alive", boot: 1, wantReport: StateAlive},
			{op: "notice", boot: 1, wantNews: true},
			{op: "notice", boot: 1},
		}},
		{"restart clears the notice", []step{
			{op: "alive", boot: 1, wantReport: StateAlive},
			{op: "notice", boot: 1, wantNews: true},
			{op: "alive", boot: 2, wantReport: StateAlive},
			{op: "gone", wantReport: StateDead},
		}},
	}
	meta := Meta{NodeID: testNodeID("table"), GRPCAddr: "grpc.test:7070"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := &stepClock{t: time.Unix(1000, 0)}
			tb := newTable(time.Minute, clock.now)
			for i, s := range tc.steps {
				clock.t = clock.t.Add(time.Second)
				var got State
				switch s.op {
				case "alive":
					got = tb.alive(meta, s.boot, "127.1.0.1:7946").State
				case "gone":
					if m, ok := tb.gone(meta.NodeID); ok {
						got = m.State
					}
				case "notice":
					m, news, changed := tb.leaveNotice(meta.NodeID, s.boot)
					if changed {
						got = m.State
					}
					if news != s.wantNews {
						t.Errorf("step %d: news = %v, want %v", i, news, s.wantNews)
					}
				}
				if got != s.wantReport {
					t.Errorf("step %d (%s): reported %q, want %q", i, s.op, got, s.wantReport)
				}
			}
		})
	}
}

// Claim: Since is the time the member entered its current state: an update
// of a live member keeps it, a departure or a comeback sets it.
func TestTableSince(t *testing.T) {
	clock := &stepClock{t: time.Unix(1000, 0)}
	tb := newTable(time.Minute, clock.now)
	meta := Meta{NodeID: testNodeID("since"), GRPCAddr: "grpc.test:7070"}
	joined := clock.t
	tb.alive(meta, 1, "a:1")
	clock.t = clock.t.Add(time.Second)
	meta.Version = "updated"
	if m := tb.alive(meta, 1, "a:1"); !m.Since.Equal(joined) || m.Version != "updated" {
		t.Errorf("update: %+v, want Since %v and the new version", m, joined)
	}
	clock.t = clock.t.Add(time.Second)
	if m, _ := tb.gone(meta.NodeID); !m.Since.Equal(clock.t) {
		t.Errorf("gone: Since %v, want %v", m.Since, clock.t)
	}
	clock.t = clock.t.Add(time.Second)
	if m := tb.alive(meta, 2, "a:2"); !m.Since.Equal(clock.t) || m.GossipAddr != "a:2" {
		t.Errorf("comeback: %+v, want Since %v at a:2", m, clock.t)
	}
}

// Claim: live lists only live members, sorted by node ID, and departed
// members are forgotten once older than the retention time.
func TestTableLiveAndPrune(t *testing.T) {
	clock := &stepClock{t: time.Unix(1000, 0)}
	tb := newTable(10*time.Second, clock.now)
	names := []string{"p", "q", "r", "s"}
	for _, n := range names {
		tb.alive(Meta{NodeID: testNodeID(n), GRPCAddr: "grpc.test:7070"}, 1, n+":1")
	}
	tb.gone(testNodeID("q"))
	got := tb.live()
	if len(got) != 3 || tb.liveCount() != 3 {
		t.Fatalf("live = %v, want 3 members", ids(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].NodeID >= got[i].NodeID {
			t.Errorf("not sorted: %v", ids(got))
		}
	}
	clock.t = clock.t.Add(11 * time.Second)
	tb.gone(testNodeID("r")) // prunes q, now older than 10 s
	if _, news, _ := tb.leaveNotice(testNodeID("q"), 1); news {
		t.Error("a notice for a pruned member was news")
	}
	if _, news, _ := tb.leaveNotice(testNodeID("r"), 1); !news {
		t.Error("a notice for a recently departed member was not news")
	}
}

// Claim: the members a node tries to reconnect to are those declared dead
// within the window and not back since: not one that left (its notice,
// before or after the death), not one alive again, none older than the
// window; and at most maxLost, the most recent deaths.
func TestTableListsTheLostForReconnects(t *testing.T) {
	clock := &stepClock{t: time.Unix(1000, 0)}
	tbl := newTable(time.Minute, clock.now)
	meta := func(id string) Meta { return Meta{NodeID: id, GRPCAddr: id + ":7070"} }
	for _, id := range []string{"dead", "left", "late-notice", "back", "old"} {
		tbl.alive(meta(id), 1, id+":7946")
	}
	tbl.gone("old")
	clock.t = clock.t.Add(2 * time.Hour)
	tbl.leaveNotice("left", 1)
	for _, id := range []string{"dead", "left", "late-notice", "back"} {
		tbl.gone(id)
	}
	tbl.leaveNotice("late-notice", 1)
	tbl.alive(meta("back"), 2, "back:7946")
	if got := tbl.lostSince(time.Hour); len(got) != 1 || got[0] != "dead:7946" {
		t.Fatalf("lost within the hour: %v, want dead:7946 only", got)
	}
	for i := range maxLost + 10 {
		id := "m" + string(rune('a'+i%26)) + time.Duration(i).String()
		tbl.alive(meta(id), 1, id+":7946")
		clock.t = clock.t.Add(time.Second)
		tbl.gone(id)
	}
	got := tbl.lostSince(24 * time.Hour)
	if len(got) != maxLost {
		t.Fatalf("%d lost kept, want the cap %d", len(got), maxLost)
	}
	for _, a := range got {
		if a == "dead:7946" {
			t.Fatal("the oldest death was kept over the cap")
		}
	}
}
