package logx

import (
	"context"
	"log"
	"log/slog"
	"strings"
	"unicode"
)

// LogLogger returns a *log.Logger for a package that logs through the
// standard library's logger in memberlist's manner, "[LEVEL] memberlist:
// message", and carries each line into logger at its level: [DEBUG] and
// [TRACE] at debug, [INFO] at info, [WARN] at warn, [ERR] and [ERROR] at
// error; a line without a level at info. The prefix up to ": " goes into
// the "component" attribute, a trailing "from=ADDR" (memberlist's way of
// naming the sender) into KeyAddr. Warnings and errors pass through lim
// (which may be nil) keyed by their message with digits left out, so that
// the same complaint about packet after packet of one hostile sender
// gives one line per interval with a count.
func LogLogger(logger *slog.Logger, lim *Limiter) *log.Logger {
	return log.New(&bridge{logger: logger, lim: lim}, "", 0)
}

// bridge is LogLogger's writer: log.Logger calls Write once per line.
type bridge struct {
	logger *slog.Logger
	lim    *Limiter
}

// Write implements io.Writer.
func (b *bridge) Write(p []byte) (int, error) {
	for line := range strings.SplitSeq(strings.TrimRight(string(p), "\n"), "\n") {
		b.line(line)
	}
	return len(p), nil
}

// line logs one line.
func (b *bridge) line(line string) {
	level, rest := slog.LevelInfo, strings.TrimSpace(line)
	if strings.HasPrefix(rest, "[") {
		if end := strings.IndexByte(rest, ']'); end > 0 {
			switch strings.ToUpper(rest[1:end]) {
			case "TRACE", "DEBUG":
				level = slog.LevelDebug
			case "INFO":
				level = slog.LevelInfo
			case "WARN", "WARNING":
				level = slog.LevelWarn
			case "ERR", "ERROR":
				level = slog.LevelError
			}
			rest = strings.TrimSpace(rest[end+1:])
		}
	}
	ctx := context.Background()
	if !b.logger.Enabled(ctx, level) {
		return
	}
	var args []any
	if i := strings.Index(rest, ": "); i > 0 && !strings.ContainsAny(rest[:i], " \t") {
		args = append(args, "component", rest[:i])
		rest = rest[i+2:]
	}
	addr := ""
	if i := strings.LastIndex(rest, " from="); i >= 0 && !strings.ContainsAny(rest[i+6:], " \t") {
		addr = rest[i+6:]
		rest = strings.TrimSpace(rest[:i])
		args = append(args, KeyAddr, addr)
	}
	if level < slog.LevelWarn {
		b.logger.Log(ctx, level, rest, args...)
		return
	}
	key := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return -1
		}
		return r
	}, rest)
	if len(key) > 96 {
		key = key[:96]
	}
	b.lim.Log(ctx, b.logger, level, EventGossipLog, key, rest, args...)
}
