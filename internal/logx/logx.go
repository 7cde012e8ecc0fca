// Package logx holds what p2pir's packages share for structured logging
// with log/slog: the loggers the node command builds (levels and formats
// by name), a discarding logger for library defaults, the names of the
// events logged, a limiter that keeps a hostile peer from flooding the log
// with one warning repeated, and a bridge that carries memberlist's
// *log.Logger lines into slog at their own levels.
//
// Library packages take a *slog.Logger in their Config (nil: Discard) and
// never log through a package-level logger. Query text and the URLs of a
// person's results are logged at debug only, never at info or above.
package logx

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Attribute keys used by every event, so one filter finds all lines about
// a peer or an address.
const (
	// KeyEvent names the event (one of the Event constants).
	KeyEvent = "event"
	// KeyPeer is a peer's node ID.
	KeyPeer = "peer"
	// KeyAddr is a network address (host:port or an IP address).
	KeyAddr = "addr"
	// KeyReason says why, for people.
	KeyReason = "reason"
	// KeySuppressed counts the lines of the same event and peer that a
	// Limiter held back since the last one logged.
	KeySuppressed = "suppressed"
)

// Events logged at warn: something a peer, an engine or a web site did
// that the node refused or that failed.
const (
	// EventHandshakeRejected: an incoming TLS handshake failed (bad or
	// missing certificate, wrong network secret, timeout).
	EventHandshakeRejected = "handshake_rejected"
	// EventConnRefused: an incoming connection closed as accepted, over
	// a cap on connections.
	EventConnRefused = "connection_refused"
	// EventRateLimited: a peer's call refused over a rate budget.
	EventRateLimited = "rate_limited"
	// EventInvalidMessage: a peer's call refused as malformed or
	// misattributed (garbage gossip, a profile exchange in someone
	// else's name).
	EventInvalidMessage = "invalid_message"
	// EventGossipFailed: a gossip exchange this node started failed
	// (the peer did not answer, or answered with something invalid).
	EventGossipFailed = "gossip_failed"
	// EventCandidateRefused: second-hand gossip entries about other
	// nodes refused over their budget.
	EventCandidateRefused = "candidate_refused"
	// EventCandidateDropped: a node only heard of in gossip did not
	// answer its probe and was dropped.
	EventCandidateDropped = "candidate_dropped"
	// EventPeerDropped: a peer left the peer table because its address
	// never answered.
	EventPeerDropped = "peer_dropped"
	// EventMemberDead: membership declared a member failed.
	EventMemberDead = "member_dead"
	// EventInvalidMember: a member announced metadata that does not
	// validate, or a node ID conflict.
	EventInvalidMember = "invalid_member"
	// EventEngineFailed: a search engine (meta-search) failed a query.
	EventEngineFailed = "engine_failed"
	// EventCrawlError: the focused crawl failed.
	EventCrawlError = "crawl_error"
	// EventJobFailed: an index or crawl job of the running node failed.
	EventJobFailed = "job_failed"
	// EventJobErrors: a job finished, but some files or pages failed
	// (fetch errors, refused addresses, unreadable files).
	EventJobErrors = "job_errors"
	// EventGossipLog: a warning or error of memberlist's own.
	EventGossipLog = "gossip"
)

// Events logged at debug: a query's lifecycle. Only these may carry the
// query's text.
const (
	// EventQueryStart: a search began.
	EventQueryStart = "query_start"
	// EventQueryDone: a search answered.
	EventQueryDone = "query_done"
	// EventPeerQuery: a peer's query served.
	EventPeerQuery = "peer_query"
)

// Discard returns a logger that drops everything: the default of every
// library package's Config.Logger.
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// OrDiscard returns l, or Discard when l is nil.
func OrDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return Discard()
	}
	return l
}

// Levels and formats by name, as --log and --log-format (and config.toml's
// log.level and log.format) take them.
const (
	DefaultLevel  = "info"
	DefaultFormat = "text"
)

// ParseLevel reads a level name: debug, info, warn or error (any case).
func ParseLevel(name string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("log level %q: want debug, info, warn or error", name)
}

// CheckFormat checks a format name: text or json.
func CheckFormat(name string) error {
	switch name {
	case "text", "json":
		return nil
	}
	return fmt.Errorf("log format %q: want text or json", name)
}

// New returns a logger writing to w at level and above, as text
// (slog.TextHandler: key=value) or json (slog.JSONHandler: one object a
// line). Empty names take DefaultLevel and DefaultFormat.
func New(w io.Writer, level, format string) (*slog.Logger, error) {
	if level == "" {
		level = DefaultLevel
	}
	if format == "" {
		format = DefaultFormat
	}
	lv, err := ParseLevel(level)
	if err != nil {
		return nil, err
	}
	if err := CheckFormat(format); err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}
