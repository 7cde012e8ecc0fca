package jobs

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/index"
)

// Kinds of job and of root.
const (
	// KindFolder indexes a folder with the files crawler.
	KindFolder = "folder"
	// KindSite crawls a web site from a seed URL.
	KindSite = "site"
)

// ErrBadSpec is in the chain of every error about a Spec a person can fix.
var ErrBadSpec = errors.New("invalid request")

// Spec is what a job does and how: a folder to index or a site to crawl,
// with the options of "p2pir index" and "p2pir crawl". Zero options take
// the commands' defaults.
type Spec struct {
	// Kind is KindFolder or KindSite.
	Kind string `json:"kind"`
	// Path is the folder (KindFolder), absolute and clean.
	Path string `json:"path,omitempty"`
	// URL is the seed (KindSite), http or https.
	URL string `json:"url,omitempty"`

	// Share shares the folder with peers before it is indexed.
	Share bool `json:"share,omitempty"`
	// Watch keeps the folder current while the node runs.
	Watch bool `json:"watch,omitempty"`

	// Exclude adds exclude patterns to the defaults (see
	// crawler.FilesConfig.Exclude).
	Exclude []string `json:"exclude,omitempty"`
	// NoDefaultExcludes drops the default exclusions.
	NoDefaultExcludes bool `json:"no_default_excludes,omitempty"`
	// MaxSize is the largest file indexed, in bytes. Default 10 MiB.
	MaxSize int64 `json:"max_size,omitempty"`
	// Extensions are the file extensions indexed. Default
	// crawler.DefaultExtensions.
	Extensions []string `json:"extensions,omitempty"`
	// NoSymlinks does not follow symbolic links.
	NoSymlinks bool `json:"no_symlinks,omitempty"`

	// Depth is the crawl's link depth (the seed is depth 1). Default 2.
	Depth int `json:"depth,omitempty"`
	// MaxPages is the crawl's page budget. Default 100.
	MaxPages int `json:"max_pages,omitempty"`
	// AllowDomains are the hosts the crawl may visit. Default: the seed's.
	AllowDomains []string `json:"allow_domains,omitempty"`
	// AllowPrivate lets the crawl follow links and redirects to loopback,
	// private and link-local addresses beyond the seed's own host and port
	// (crawler.WebConfig.AllowPrivate), for a crawl across the hosts of a
	// home or office network. Default false.
	AllowPrivate bool `json:"allow_private,omitempty"`
	// Parallelism is the most concurrent requests to one host. Default 2.
	Parallelism int `json:"parallelism,omitempty"`
	// DelayMS is the least time between requests to one host, in
	// milliseconds. Default 1000.
	DelayMS int64 `json:"delay_ms,omitempty"`
	// MaxBody is the most bytes read of one response. Default 5 MiB.
	MaxBody int `json:"max_body,omitempty"`
	// TimeoutMS is the deadline of one request, in milliseconds. Default
	// 15000.
	TimeoutMS int64 `json:"timeout_ms,omitempty"`
	// UserAgent is the User-Agent header. Default crawler.DefaultUserAgent.
	UserAgent string `json:"user_agent,omitempty"`
}

// Target is the folder's path or the site's URL.
func (s Spec) Target() string {
	if s.Kind == KindSite {
		return s.URL
	}
	return s.Path
}

// Check validates s and returns it in the form it is kept in: a folder's
// path absolute and clean (it must be an existing folder), a site's URL
// parsed. Options that belong to the other kind are refused.
func (s Spec) Check() (Spec, error) {
	bad := func(format string, args ...any) (Spec, error) {
		return s, fmt.Errorf("%w: "+format, append([]any{ErrBadSpec}, args...)...)
	}
	neg := s.MaxSize < 0 || s.Depth < 0 || s.MaxPages < 0 || s.Parallelism < 0 || s.DelayMS < 0 || s.MaxBody < 0 || s.TimeoutMS < 0
	if neg {
		return bad("sizes, counts and times must not be negative")
	}
	switch s.Kind {
	case KindFolder:
		if s.URL != "" || s.Depth != 0 || s.MaxPages != 0 || len(s.AllowDomains) > 0 || s.AllowPrivate || s.Parallelism != 0 || s.DelayMS != 0 || s.MaxBody != 0 || s.TimeoutMS != 0 || s.UserAgent != "" {
			return bad("a folder takes path, share, watch, exclude, no_default_excludes, max_size, extensions and no_symlinks; url and the crawl options are for a site")
		}
		if s.Path == "" || !filepath.IsAbs(s.Path) {
			return bad("a folder needs an absolute path, not %q", s.Path)
		}
		s.Path = filepath.Clean(s.Path)
		st, err := os.Stat(s.Path)
		if err != nil {
			return bad("folder %s: %v", s.Path, plainFSError(err))
		}
		if !st.IsDir() {
			return bad("%s is not a folder: index the folder it is in", s.Path)
		}
		if s.Extensions != nil {
			s.Extensions = crawler.NormalizeExtensions(s.Extensions)
			if len(s.Extensions) == 0 {
				return bad("extensions lists no extension (give them as .txt or txt)")
			}
		}
	case KindSite:
		if s.Path != "" || s.Share || s.Watch || len(s.Exclude) > 0 || s.NoDefaultExcludes || s.MaxSize != 0 || len(s.Extensions) > 0 || s.NoSymlinks {
			return bad("a site takes url, depth, max_pages, allow_domains, allow_private, parallelism, delay_ms, max_body, timeout_ms and user_agent; path, share, watch and the file options are for a folder")
		}
		u, err := url.Parse(strings.TrimSpace(s.URL))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad("a site needs an http or https URL, not %q", s.URL)
		}
		s.URL = u.String()
	default:
		return bad("kind must be %q or %q, not %q", KindFolder, KindSite, s.Kind)
	}
	return s, nil
}

// plainFSError is err's reason without the operation and path os adds.
func plainFSError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		if errors.Is(err, os.ErrNotExist) {
			return errors.New("does not exist")
		}
		return pe.Err
	}
	return err
}

// FilesConfig is the files crawler's configuration for a folder spec.
func (s Spec) FilesConfig() crawler.FilesConfig {
	cfg := crawler.DefaultFilesConfig()
	if s.NoDefaultExcludes {
		cfg.Exclude = []string{}
	}
	cfg.Exclude = append(cfg.Exclude, s.Exclude...)
	if s.MaxSize > 0 {
		cfg.MaxFileSize = s.MaxSize
	}
	if len(s.Extensions) > 0 {
		cfg.Extensions = s.Extensions
	}
	cfg.FollowSymlinks = !s.NoSymlinks
	return cfg
}

// WebConfig is the web crawler's configuration for a site spec.
func (s Spec) WebConfig() crawler.WebConfig {
	cfg := crawler.DefaultWebConfig()
	if s.Depth > 0 {
		cfg.MaxDepth = s.Depth
	}
	if s.MaxPages > 0 {
		cfg.MaxPages = s.MaxPages
	}
	cfg.AllowedDomains = s.AllowDomains
	cfg.AllowPrivate = s.AllowPrivate
	if s.Parallelism > 0 {
		cfg.Parallelism = s.Parallelism
	}
	if s.DelayMS > 0 {
		cfg.Delay = time.Duration(s.DelayMS) * time.Millisecond
	}
	if s.MaxBody > 0 {
		cfg.MaxBodySize = s.MaxBody
	}
	if s.TimeoutMS > 0 {
		cfg.RequestTimeout = time.Duration(s.TimeoutMS) * time.Millisecond
	}
	if s.UserAgent != "" {
		cfg.UserAgent = s.UserAgent
	}
	return cfg
}

// sameRoot reports whether two specs name the same root.
func sameRoot(a, b Spec) bool {
	return a.Kind == b.Kind && a.Target() == b.Target()
}

// folderPrefix is the URL prefix of a folder's documents.
func folderPrefix(path string) string {
	return strings.TrimSuffix(crawler.FileURL(path), "/") + "/"
}

// siteHost is the host a site's documents are filed under.
func siteHost(rawURL string) string { return index.SiteHost(rawURL) }
