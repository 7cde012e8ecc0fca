package logx

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/internal/logx/logxtest"
)

// Claim: level and format names are read as --log and --log-format take
// them; anything else is refused with a message naming the choices.
func TestNew(t *testing.T) {
	for _, tc := range []struct {
		level, format string
		wantErr       string
		debugShown    bool
		warnShown     bool
		json          bool
	}{
		{level: "", format: "", warnShown: true},
		{level: "debug", format: "text", debugShown: true, warnShown: true},
		{level: "WARN", format: "json", warnShown: true, json: true},
		{level: "error", format: "text"},
		{level: "loud", format: "text", wantErr: "want debug, info, warn or error"},
		{level: "info", format: "xml", wantErr: "want text or json"},
	} {
		t.Run(tc.level+"/"+tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			l, err := New(&buf, tc.level, tc.format)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("New: %v, want an error saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			l.Debug("a debug line")
			l.Warn("a warning", KeyPeer, "p1")
			out := buf.String()
			if got := strings.Contains(out, "a debug line"); got != tc.debugShown {
				t.Errorf("debug line shown %v, want %v:\n%s", got, tc.debugShown, out)
			}
			if got := strings.Contains(out, "a warning"); got != tc.warnShown {
				t.Errorf("warning shown %v, want %v:\n%s", got, tc.warnShown, out)
			}
			if tc.json && tc.warnShown {
				var m map[string]any
				if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &m); err != nil || m["peer"] != "p1" {
					t.Errorf("not one JSON object with the peer: %v %v\n%s", err, m, out)
				}
			}
		})
	}
}

// Claim: one (event, peer) pair gets its first line at once and then at
// most one line per interval, which counts the lines held back; other
// peers and other events are limited apart; the memory is bounded.
func TestLimiter(t *testing.T) {
	rec, logger := logxtest.New(slog.LevelDebug)
	now := time.Unix(1000, 0)
	l := NewLimiter(time.Minute)
	l.now = func() time.Time { return now }
	l.maxKeys = 8
	ctx := context.Background()
	for range 1000 { // a flood from one peer
		l.Warn(ctx, logger, EventInvalidMessage, "hostile", "refused an invalid message", KeyPeer, "hostile")
	}
	l.Warn(ctx, logger, EventInvalidMessage, "honest", "refused an invalid message", KeyPeer, "honest")
	l.Warn(ctx, logger, EventRateLimited, "hostile", "refused a call over a rate budget", KeyPeer, "hostile")
	if got := len(rec.Event(EventInvalidMessage)); got != 2 {
		t.Fatalf("%d lines of the flooded event, want 2 (hostile's first, honest's):\n%s", got, rec.Text())
	}
	if got := len(rec.Event(EventRateLimited)); got != 1 {
		t.Fatalf("another event of the same peer was held back:\n%s", rec.Text())
	}
	now = now.Add(59 * time.Second)
	l.Warn(ctx, logger, EventInvalidMessage, "hostile", "refused an invalid message", KeyPeer, "hostile")
	if got := len(rec.Event(EventInvalidMessage)); got != 2 {
		t.Fatalf("a line within the interval went out:\n%s", rec.Text())
	}
	now = now.Add(time.Second)
	l.Warn(ctx, logger, EventInvalidMessage, "hostile", "refused an invalid message", KeyPeer, "hostile")
	lines := rec.Event(EventInvalidMessage)
	if len(lines) != 3 {
		t.Fatalf("no line once the interval passed:\n%s", rec.Text())
	}
	if got := lines[2].Attrs[KeySuppressed]; got != "1000" {
		t.Errorf("suppressed=%q on the line after the interval, want 1000 (999 + 1)", got)
	}
	if _, ok := lines[0].Attrs[KeySuppressed]; ok {
		t.Errorf("the first line claims suppressed lines: %v", lines[0])
	}
	for i := range 100 {
		l.Warn(ctx, logger, EventConnRefused, string(rune('a'+i)), "x")
	}
	if n := len(l.keys); n > l.maxKeys {
		t.Errorf("remembers %d pairs, want at most %d", n, l.maxKeys)
	}
	// A line below the logger's level is not counted either.
	rec2, quiet := logxtest.New(slog.LevelError)
	l.Warn(ctx, quiet, "other", "p", "x")
	if len(rec2.Lines()) != 0 {
		t.Errorf("a warning passed an error-level logger")
	}
}

// Claim: memberlist's lines arrive at their own levels, with the sender's
// address as an attribute, and a hostile sender's repeated complaint
// gives one line per interval.
func TestLogLoggerBridgesMemberlistLevels(t *testing.T) {
	rec, logger := logxtest.New(slog.LevelDebug)
	lim := NewLimiter(time.Hour)
	ll := LogLogger(logger, lim)
	ll.Printf("[DEBUG] memberlist: Stream connection from=127.0.0.1:4000")
	ll.Printf("[INFO] memberlist: Suspect node-a has failed, no acks received")
	ll.Printf("[WARN] memberlist: Got ping for unexpected node 'x' from=10.0.0.9:7946")
	for i := range 50 {
		ll.Printf("[ERR] memberlist: Failed to decode ping request: bad message %d from=10.0.0.9:%d", i, 7000+i)
	}
	ll.Printf("no level at all")
	lines := rec.Lines()
	want := []struct {
		level slog.Level
		msg   string
		addr  string
	}{
		{slog.LevelDebug, "Stream connection", "127.0.0.1:4000"},
		{slog.LevelInfo, "Suspect node-a has failed, no acks received", ""},
		{slog.LevelWarn, "Got ping for unexpected node 'x'", "10.0.0.9:7946"},
		{slog.LevelError, "Failed to decode ping request: bad message 0", "10.0.0.9:7000"},
		{slog.LevelInfo, "no level at all", ""},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d (49 repeats held back):\n%s", len(lines), len(want), rec.Text())
	}
	for i, w := range want {
		l := lines[i]
		if l.Level != w.level || l.Message != w.msg || l.Attrs[KeyAddr] != w.addr {
			t.Errorf("line %d: %v, want level %v msg %q addr %q", i, l, w.level, w.msg, w.addr)
		}
	}
	if lines[0].Attrs["component"] != "memberlist" {
		t.Errorf("component %q, want memberlist", lines[0].Attrs["component"])
	}
}
