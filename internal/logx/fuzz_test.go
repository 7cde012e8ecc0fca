package logx

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/p2pir/p2pir/internal/logx/logxtest"
)

// FuzzLogLoggerLine: any text memberlist (or a peer's packet quoted in
// memberlist's error) may put in a log line is carried into slog without
// a panic: one record at most per line, at one of the four levels, the
// level the line's tag names, and no line break inside a message.
func FuzzLogLoggerLine(f *testing.F) {
	for _, s := range []string{
		"[DEBUG] memberlist: Stream connection from=127.0.0.1:4000",
		"[ERR] memberlist: Failed to decode ping request: bad message from=10.0.0.9:7946",
		"[WARN] memberlist: Got ping for unexpected node 'x' from=[::1]:7946",
		"[INFO] memberlist: Suspect node-a has failed, no acks received",
		"no level at all",
		"[ERR] from=",
		"[] : from=x",
		"[WARN]\n[ERR] two lines",
		"[",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		rec, logger := logxtest.New(slog.LevelDebug)
		LogLogger(logger, NewLimiter(0)).Print(line)
		lines := strings.Count(strings.TrimRight(line, "\n"), "\n") + 1
		got := rec.Lines()
		if len(got) > lines {
			t.Fatalf("%d records for %d lines", len(got), lines)
		}
		for _, l := range got {
			switch l.Level {
			case slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError:
			default:
				t.Fatalf("level %v", l.Level)
			}
			if strings.Contains(l.Message, "\n") {
				t.Fatalf("a line break in the message %q", l.Message)
			}
		}
		if !strings.Contains(line, "\n") && len(got) == 1 {
			tagged := map[string]slog.Level{"[DEBUG]": slog.LevelDebug, "[WARN]": slog.LevelWarn, "[ERR]": slog.LevelError, "[INFO]": slog.LevelInfo}
			for tag, want := range tagged {
				if strings.HasPrefix(strings.TrimSpace(line), tag) && got[0].Level != want {
					t.Fatalf("%q logged at %v, want %v", line, got[0].Level, want)
				}
			}
		}
	})
}
