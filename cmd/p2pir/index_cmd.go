package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/jobs"
	"github.com/p2pir/p2pir/internal/share"
	"github.com/spf13/cobra"
)

func newIndexCmd(a *app) *cobra.Command {
	var (
		exclude    []string
		noDefaults bool
		maxSize    int64
		noSymlinks bool
		extensions []string
		verbose    bool
		shareDirs  []string
		unshare    []string
		list       bool
		watch      []string
		unwatch    []string
	)
	cmd := &cobra.Command{
		Use:   "index [flags] PATH...",
		Short: "Index folders and files for desktop search (incremental); share folders with peers",
		Long: `Index the text, Markdown, HTML, PDF, Word (.docx), OpenDocument (.odt),
EPUB, RTF and mailbox (.mbox, one result per message) files under each PATH.

Re-running is incremental: files whose size and modification time are
unchanged are skipped, changed files are re-read, and files that were
deleted (or are now excluded) leave the index. A folder that cannot be read
keeps what the index already holds for it.

Default exclusions: .git, node_modules, caches, trash, editor and temporary
files (see --help of --exclude). Binary files and files over --max-size are
skipped and reported.

Files and folders that could not be read or extracted are listed on stderr
and counted as errors in the summary; the index keeps what it held for them.
Only one p2pir indexes a data directory at a time; a second one waits 5s
for the first, then stops with "another p2pir is indexing this data
directory".

With a node running on the data directory (p2pir node), the node does the
work: each folder becomes a job in the node (one runs at a time), this
command shows its progress and prints the same summary and failures, and
Ctrl-C cancels the job in the node (what it indexed stays). With a node
running, PATH must be a folder, and skipped files are not listed (-v).
--watch DIR indexes DIR through the node and has the node keep it current
(fsnotify: new, changed and deleted files are indexed a second after the
last change, subfolders included) while it runs, and again after a
restart; --unwatch DIR stops that, keeping the documents. Both need a
running node. The folders and sites in the index, with their document
counts, are listed by the node's API (GET /index/roots); removing one
(POST /index/remove) deletes its documents.

Exit status: 0 when every file was indexed, or skipped by the rules above;
3 when the run finished but some files or folders failed (listed on
stderr): the others are in the index, and running it again retries the
failed ones; 1 when nothing could be indexed (every file failed) or
indexing could not run or stopped (a PATH that does not exist, the index
in use, an interrupt); 2 on a usage error.

Sharing with peers. Your files are private: a running node (p2pir node)
answers peers with the web pages you crawled, and with files only under
the folders you share. --share DIR shares a folder (and indexes it, as a
PATH would, through the node when one runs; the files the index already
holds under it are shared at once). Peers then find its files as p2pir:// links
that open through your node, which serves the indexed text, never the
file's path. --unshare DIR stops sharing it, at once, even while a node
runs; nothing is re-indexed. --list shows what is shared. Folders can
also be shared in config.toml ([index] shared = ["~/papers"]); those are
unshared by removing them there. A file is shared when its real path
(symbolic links resolved) is inside a shared folder: a link in a shared
folder to a file elsewhere does not share that file.`,
		Example: `  p2pir index ~/notes ~/Documents
  p2pir index --exclude 'archive/**' --exclude '*.log' ~/notes
  p2pir index --share ~/papers
  p2pir index --watch ~/notes          # with a node running
  p2pir index --unwatch ~/notes
  p2pir index --unshare ~/papers
  p2pir index --list`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(shareDirs) > 0 || len(unshare) > 0 || list || len(watch) > 0 || len(unwatch) > 0 {
				return nil
			}
			return minArgs(1, "PATH (or --share DIR, --unshare DIR, --watch DIR, --unwatch DIR, --list)")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if maxSize <= 0 {
				return usageError{fmt.Errorf("--max-size must be more than 0 bytes, not %d", maxSize)}
			}
			for _, dir := range unshare {
				p, removed, err := share.Remove(a.dataDir, dir)
				if err != nil {
					return err
				}
				if removed {
					fmt.Fprintf(a.stdout, "unshared %s: peers can no longer find or open its files\n", p)
				} else {
					fmt.Fprintf(a.stdout, "%s was not shared\n", dir)
				}
			}
			for _, dir := range shareDirs {
				p, added, err := share.Add(a.dataDir, dir)
				if err != nil {
					return err
				}
				if added {
					fmt.Fprintf(a.stdout, "shared %s: peers can find its files and open them through your node\n", p)
				} else {
					fmt.Fprintf(a.stdout, "%s is shared already\n", p)
				}
			}
			if list {
				if err := a.writeShared(); err != nil {
					return err
				}
			}
			ri, nodeRuns := a.runningNode()
			if (len(watch) > 0 || len(unwatch) > 0) && !nodeRuns {
				return errNeedsNode
			}
			for _, dir := range unwatch {
				abs, err := filepath.Abs(dir)
				if err != nil {
					return fmt.Errorf("index: %q: %w", dir, err)
				}
				if err := jobsCall(cmd.Context(), ri, http.MethodPost, "/index/unwatch", map[string]string{"path": abs}, nil); err != nil {
					return fmt.Errorf("unwatch %s: %w", abs, err)
				}
				fmt.Fprintf(a.stdout, "stopped watching %s; its documents stay in the index\n", abs)
			}
			if len(args) == 0 && len(shareDirs) == 0 && len(watch) == 0 {
				return nil
			}
			if nodeRuns {
				base := jobs.Spec{Exclude: exclude, NoDefaultExcludes: noDefaults, Extensions: extensions, NoSymlinks: noSymlinks}
				if maxSize != crawler.DefaultMaxFileSize {
					base.MaxSize = maxSize
				}
				specs, err := folderSpecs(args, base)
				if err != nil {
					return err
				}
				base.Share = true
				shared, err := folderSpecs(shareDirs, base)
				if err != nil {
					return err
				}
				base.Share, base.Watch = false, true
				watched, err := folderSpecs(watch, base)
				if err != nil {
					return err
				}
				specs = append(append(specs, shared...), watched...)
				if err := a.nodeJobsRun(cmd.Context(), ri, "index", specs); err != nil {
					return err
				}
				for _, s := range watched {
					fmt.Fprintf(a.stdout, "watching %s: the node keeps it current while it runs, and after a restart (stop with p2pir index --unwatch %s)\n", s.Path, s.Path)
				}
				return nil
			}
			args = append(args, shareDirs...)
			cfg := crawler.DefaultFilesConfig()
			if noDefaults {
				cfg.Exclude = []string{}
			}
			cfg.Exclude = append(cfg.Exclude, exclude...)
			if maxSize > 0 {
				cfg.MaxFileSize = maxSize
			}
			if len(extensions) > 0 {
				cfg.Extensions = extensions
			}
			cfg.FollowSymlinks = !noSymlinks
			cfg.Progress = crawler.TerminalProgress(a.stderr)
			if ri, ok := a.runningNode(); ok {
				return errNodeRunning(ri, "indexing")
			}
			ix, err := a.openIndexExclusive()
			if err != nil {
				return err
			}
			defer ix.Close()
			start := time.Now()
			rep, err := crawler.IndexFiles(cmd.Context(), ix, cfg, args...)
			for _, s := range rep.Skips {
				if verbose {
					fmt.Fprintf(a.stderr, "skipped %v\n", s)
				}
			}
			for _, e := range rep.Truncated {
				fmt.Fprintf(a.stderr, "p2pir: index: %v\n", e)
			}
			for _, e := range rep.Errors {
				fmt.Fprintf(a.stderr, "p2pir: index: %v\n", e)
			}
			fmt.Fprintf(a.stdout, "%d added, %d updated, %d unchanged, %d deleted, %d skipped, %d errors in %v\n",
				rep.Added, rep.Updated, rep.Unchanged, rep.Deleted, rep.Skipped, len(rep.Errors), time.Since(start).Round(time.Millisecond))
			a.recordFolders(args, cfg, err, len(rep.Errors))
			if err != nil {
				return err
			}
			if n, err := ix.Count(); err == nil {
				fmt.Fprintf(a.stdout, "index %s holds %s\n", a.indexDir(), countOf(int(n), "document", "documents"))
			}
			return itemsFailed("index", len(rep.Errors), rep.Added+rep.Updated+rep.Unchanged+rep.Deleted)
		},
	}
	cmd.Flags().StringArrayVar(&exclude, "exclude", nil, "skip files and folders matching this pattern (repeatable): '*.log' matches names anywhere, 'build/**' paths under a root")
	cmd.Flags().BoolVar(&noDefaults, "no-default-excludes", false, "do not skip .git, node_modules, caches and temporary files")
	cmd.Flags().Int64Var(&maxSize, "max-size", crawler.DefaultMaxFileSize, "largest file to index, in bytes")
	cmd.Flags().StringSliceVar(&extensions, "ext", nil, "file extensions to index, e.g. --ext .txt,.md (default: text, Markdown, HTML, PDF, .docx, .odt, .epub, .rtf, .mbox and light markup)")
	cmd.Flags().BoolVar(&noSymlinks, "no-symlinks", false, "do not follow symbolic links")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list skipped files")
	cmd.Flags().StringArrayVar(&shareDirs, "share", nil, "share this folder with peers and index it (repeatable)")
	cmd.Flags().StringArrayVar(&unshare, "unshare", nil, "stop sharing this folder with peers, at once (repeatable)")
	cmd.Flags().BoolVar(&list, "list", false, "list the folders shared with peers")
	cmd.Flags().StringArrayVar(&watch, "watch", nil, "index this folder through the running node and have the node keep it current (repeatable)")
	cmd.Flags().StringArrayVar(&unwatch, "unwatch", nil, "stop the running node watching this folder (repeatable)")
	return cmd
}

// recordFolders adds an offline run over paths to the registry of
// indexed folders (folders only: a single file is not a root), with the
// outcome: the run's error, or how many files failed.
func (a *app) recordFolders(paths []string, cfg crawler.FilesConfig, runErr error, failed int) {
	now := time.Now()
	outcome, msg := jobs.Done, fmt.Sprintf("indexed by p2pir index; %s", countOf(failed, "error", "errors"))
	if runErr != nil {
		outcome, msg = jobs.Failed, runErr.Error()
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			continue
		}
		spec := jobs.Spec{Kind: jobs.KindFolder, Path: abs, NoSymlinks: !cfg.FollowSymlinks, Exclude: extraExcludes(cfg.Exclude),
			NoDefaultExcludes: !hasDefaults(cfg.Exclude)}
		if len(cfg.Extensions) > 0 && !slices.Equal(cfg.Extensions, crawler.DefaultExtensions()) {
			spec.Extensions = cfg.Extensions
		}
		if cfg.MaxFileSize != crawler.DefaultMaxFileSize {
			spec.MaxSize = cfg.MaxFileSize
		}
		if err := jobs.RecordRun(a.dataDir, spec, now, outcome, msg); err != nil {
			fmt.Fprintf(a.stderr, "p2pir: index: %v\n", err)
		}
	}
}

// hasDefaults reports whether excludes start with the default patterns.
func hasDefaults(excludes []string) bool {
	d := crawler.DefaultExcludes()
	return len(excludes) >= len(d) && slices.Equal(excludes[:len(d)], d)
}

// extraExcludes are the patterns given besides the defaults.
func extraExcludes(excludes []string) []string {
	if hasDefaults(excludes) {
		return excludes[len(crawler.DefaultExcludes()):]
	}
	return excludes
}

// writeShared prints the folders shared with peers, and what peers get.
func (a *app) writeShared() error {
	fs, err := share.Current(a.dataDir)
	if err != nil {
		return err
	}
	writeSharedFolders(a.stdout, fs)
	return nil
}

// writeSharedFolders tells the person what peers may find: the shared
// folders (a missing one marked), the crawled web pages, nothing else.
func writeSharedFolders(w io.Writer, fs []share.Folder) {
	if len(fs) == 0 {
		fmt.Fprintln(w, "No folder is shared: peers get none of your files, only the web pages you crawled (share one with p2pir index --share DIR).")
		return
	}
	fmt.Fprintln(w, "Shared with peers (they can find these folders' files and open them through your node):")
	for _, f := range fs {
		note := ""
		if st, err := os.Stat(f.Path); err != nil || !st.IsDir() {
			note = ", missing: shares nothing"
		}
		fmt.Fprintf(w, "  %s  (%s%s)\n", f.Path, f.From, note)
	}
	fmt.Fprintln(w, "Web pages you crawled are answered to peers too; every other file stays private.")
}

func newCrawlCmd(a *app) *cobra.Command {
	cfg := crawler.DefaultWebConfig()
	cmd := &cobra.Command{
		Use:   "crawl [flags] URL...",
		Short: "Crawl web sites from seed URLs into the index",
		Long: `Crawl from the seed URLs and index the HTML and plain-text pages found.

The crawler obeys robots.txt (and noindex/nofollow, and robots.txt again
at every redirect), waits --delay between requests to one host with at most
--parallelism at once, stays on the seeds' hosts unless --allow-domain says
otherwise, follows links --depth deep (the seeds are depth 1) and stops
after --max-pages requests. Pages are indexed under their canonical URL; the
same content under two URLs is indexed once.

A re-crawl asks the server whether the pages the index holds have changed
(If-None-Match with the page's ETag, If-Modified-Since with its
Last-Modified time): a "not modified" answer keeps the page without
downloading it, counts as unchanged, and the crawl goes on from the links
stored with the page (up to 1,000 a page). A page indexed by a version of
p2pir that did not store links is downloaded again above the depth limit,
for its links.

The seeds may be on this machine or its network (http://localhost:8080/),
but links and redirects elsewhere to loopback, private or link-local
addresses are refused, so a page cannot lead the crawler into them; to
crawl across the hosts of your own network, add --allow-private.

Pages that failed (HTTP errors, timeouts, bad content) are listed on stderr
and counted as errors in the summary. Only one p2pir indexes a data
directory at a time; a second one waits 5s for the first, then stops with
"another p2pir is indexing this data directory".

Exit status: 0 when every page fetched was indexed, skipped or found a
duplicate; 3 when the crawl finished but some pages failed (listed on
stderr): the others are in the index; 1 when nothing could be fetched
(an unreachable host) or the crawl could not run or stopped (the index in
use, an interrupt); 2 on a usage error.

With a node running on the data directory (p2pir node), the node does the
work: each URL becomes a crawl job in the node (one runs at a time, each
with the whole --max-pages budget), this command shows its progress and
prints the same summary and failures, and Ctrl-C cancels the job in the
node (what it indexed stays). The sites in the index are listed by the
node's API (GET /index/roots).`,
		Example: `  p2pir crawl https://go.dev/doc/
  p2pir crawl --depth 3 --max-pages 500 --delay 500ms https://example.org/`,
		Args: minArgs(1, "URL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, f := range []struct {
				name string
				v    int64
			}{{"depth", int64(cfg.MaxDepth)}, {"max-pages", int64(cfg.MaxPages)}, {"parallelism", int64(cfg.Parallelism)}, {"max-body", int64(cfg.MaxBodySize)}, {"timeout", int64(cfg.RequestTimeout)}} {
				if f.v <= 0 {
					return usageError{fmt.Errorf("--%s must be more than 0, not %s", f.name, cmd.Flags().Lookup(f.name).Value)}
				}
			}
			if cfg.Delay < 0 {
				return usageError{fmt.Errorf("--delay must not be negative, not %v", cfg.Delay)}
			}
			if ri, ok := a.runningNode(); ok {
				var specs []jobs.Spec
				for _, u := range args {
					spec, err := siteSpec(u, cfg).Check()
					if err != nil {
						return usageError{fmt.Errorf("crawl: %w", err)}
					}
					specs = append(specs, spec)
				}
				return a.nodeJobsRun(cmd.Context(), ri, "crawl", specs)
			}
			ix, err := a.openIndexExclusive()
			if err != nil {
				return err
			}
			defer ix.Close()
			bar := newProgress(a.stderr, -1, "crawling")
			cfg.Progress = func(done, _ int, current string) {
				bar.describe("crawling " + oneLine(current))
				bar.set(done)
			}
			start := time.Now()
			rep, err := crawler.Crawl(cmd.Context(), ix, cfg, args...)
			bar.finish()
			for _, e := range rep.Errors {
				fmt.Fprintf(a.stderr, "p2pir: crawl: %s: %v\n", oneLine(e.URL), e.Err)
			}
			fmt.Fprintf(a.stdout, "%d fetched, %d indexed, %d unchanged, %d duplicates, %d skipped, %d errors in %v\n",
				rep.Fetched, rep.Indexed, rep.Unchanged, rep.Duplicates, rep.Skipped, len(rep.Errors), time.Since(start).Round(time.Millisecond))
			outcome, msg := jobs.Done, fmt.Sprintf("crawled by p2pir crawl; %s", countOf(len(rep.Errors), "error", "errors"))
			if err != nil {
				outcome, msg = jobs.Failed, err.Error()
			}
			for _, u := range args {
				if s, serr := siteSpec(u, cfg).Check(); serr == nil {
					if rerr := jobs.RecordRun(a.dataDir, s, time.Now(), outcome, msg); rerr != nil {
						fmt.Fprintf(a.stderr, "p2pir: crawl: %v\n", rerr)
					}
				}
			}
			if err != nil {
				return err
			}
			return itemsFailed("crawl", len(rep.Errors), rep.Fetched)
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.MaxDepth, "depth", cfg.MaxDepth, "link depth; the seeds are depth 1")
	f.IntVar(&cfg.MaxPages, "max-pages", cfg.MaxPages, "page budget of the crawl")
	f.StringSliceVar(&cfg.AllowedDomains, "allow-domain", nil, "hosts the crawl may visit (default: the seeds' hosts)")
	f.BoolVar(&cfg.AllowPrivate, "allow-private", false, "follow links and redirects to this machine's and the local network's addresses, not only the seeds' own host and port")
	f.IntVar(&cfg.Parallelism, "parallelism", cfg.Parallelism, "concurrent requests per host")
	f.DurationVar(&cfg.Delay, "delay", cfg.Delay, "least time between requests to one host")
	f.IntVar(&cfg.MaxBodySize, "max-body", cfg.MaxBodySize, "bytes read of one response at most")
	f.DurationVar(&cfg.RequestTimeout, "timeout", cfg.RequestTimeout, "deadline of one request")
	f.StringVar(&cfg.UserAgent, "user-agent", cfg.UserAgent, "User-Agent header (also matched against robots.txt)")
	return cmd
}

// siteSpec is the node's job for crawling seed with cfg's settings.
func siteSpec(seed string, cfg crawler.WebConfig) jobs.Spec {
	return jobs.Spec{Kind: jobs.KindSite, URL: seed, Depth: cfg.MaxDepth, MaxPages: cfg.MaxPages, AllowDomains: cfg.AllowedDomains, AllowPrivate: cfg.AllowPrivate,
		Parallelism: cfg.Parallelism, DelayMS: max(cfg.Delay.Milliseconds(), min(int64(cfg.Delay), 1)), MaxBody: cfg.MaxBodySize,
		TimeoutMS: cfg.RequestTimeout.Milliseconds(), UserAgent: cfg.UserAgent}
}

// openIndexExclusive opens the index for "index" and "crawl", saying so
// when another p2pir holds it.
func (a *app) openIndexExclusive() (*index.Index, error) {
	ix, err := index.Open(a.indexDir(), index.DefaultConfig())
	if errors.Is(err, index.ErrLocked) {
		return nil, fmt.Errorf("another p2pir is indexing this data directory (%s): wait for it to finish, then run this again", a.dataDir)
	}
	return ix, err
}

// countOf is "1 page" or "3 pages".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
