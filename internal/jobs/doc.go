// Package jobs runs a node's indexing work: folders indexed with the
// files crawler and sites crawled into the local index, one job at a
// time, with live progress, cancellation and a record on disk that
// survives the node.
//
// A Manager owns the index's writing while the node runs. Jobs queue in
// the order they were submitted and run one at a time, so the index has
// one writer; the node holds the index open, and with it the lock that
// "p2pir index" and "p2pir crawl" take, so an offline run and the node
// never write at once. Every change of a job's state is written to
// JobsFile in the data directory atomically (a temporary file, fsync,
// rename): a crash mid-write leaves the previous record. Jobs that were
// queued or running when the node stopped are reported as interrupted
// at the next start; re-running one is cheap, since indexing is
// incremental.
//
// The Roots registry (RootsFile) lists every folder and site ever
// indexed, by the node or by the offline commands, with its options, so
// that it can be re-run, watched, counted and removed. Removing a root
// deletes its documents from the index.
//
// A watched folder is kept current with fsnotify: recursively (new
// subfolders are watched too, up to Config.MaxWatches), debounced (a
// burst of changes is one incremental job) and persisted (watching
// resumes when the node starts again).
package jobs
