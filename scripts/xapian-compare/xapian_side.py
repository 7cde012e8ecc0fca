#!/usr/bin/env python3
"""The Xapian side of the Xapian comparison (see main.go beside this file).

Reads the corpus the Go side wrote (documents, queries, the stop list of our
English analyser) and prints one JSON object: indexing docs/s into a new
on-disk database, and the latency of Enquire.get_mset alone for every query at
top 10 and at top 1000. BM25 with k1 1.2 and b 0.75 (BM25Weight(1.2, 0, 1,
0.75, 0.5)), Xapian's English (Porter2) stemmer on documents and queries,
stemmed terms only (STEM_ALL), the same stop words as our analyser, left out
of the field as ours leaves them out (STOP_ALL). It also
reports the process's CPU time per search at each depth and per document
indexed (time.process_time around the timed loops, which includes the loops'
own Python). FIELDS 1 (the Go side's default) writes the stemmed field
alone, as Xapian would be used on its own and as ours writes one
positional field; with FIELDS 2 (this script's default, for older callers)
each document also gets an exact-phrase field, what p2pir's index formats
2 and 3 wrote: every word as written, lower-cased, not stemmed, stop words
kept, with positions (a second TermGenerator, prefix "XP", wdf 0 so that
BM25's document lengths stay the stemmed field's). A query's
terms are weighted by how often they occur in it, as index.PlainQuery weights
them (OP_SCALE_WEIGHT), so both sides rank the same weighted terms.

Usage: xapian_side.py CORPUS.json PASSES [FIELDS]
"""

import json
import shutil
import sys
import tempfile
import time

try:
    import xapian
except ImportError:
    print("skipped: the Python bindings of Xapian are not installed "
          "(Debian: apt-get install python3-xapian)", file=sys.stderr)
    sys.exit(3)


def percentile(sorted_ns, p):
    """The p-th percentile as the Go side takes it: sorted[len*p/100]."""
    return sorted_ns[len(sorted_ns) * p // 100] / 1e6


def term_counts(tg, text):
    """The stemmed, stopped terms of text with how often each occurs."""
    doc = xapian.Document()
    tg.set_document(doc)
    tg.index_text(text)
    return [(t.term.decode("utf-8"), t.wdf) for t in doc.termlist()]


def main():
    if len(sys.argv) not in (3, 4):
        print("usage: xapian_side.py CORPUS.json PASSES [FIELDS]", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        corpus = json.load(f)
    passes = int(sys.argv[2])
    fields = int(sys.argv[3]) if len(sys.argv) == 4 else 2
    if fields not in (1, 2):
        print("FIELDS must be 1 or 2, got %d" % fields, file=sys.stderr)
        return 2

    stopper = xapian.SimpleStopper()
    for w in corpus["stop_words"]:
        stopper.add(w)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("english"))
    tg.set_stopper(stopper)
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_ALL)
    # Stop words left out of the stemmed field altogether, as ours leaves
    # them out of its scored field (and so of its lengths and queries);
    # the default, STOP_STEMMED, indexed them all under STEM_ALL.
    tg.set_stopper_strategy(xapian.TermGenerator.STOP_ALL)
    words = xapian.TermGenerator()  # the exact-phrase field: no stemmer, no stop list
    words.set_stemming_strategy(xapian.TermGenerator.STEM_NONE)

    tmp = tempfile.mkdtemp(prefix="xapian-compare-")
    try:
        db = xapian.WritableDatabase(tmp + "/db", xapian.DB_CREATE_OR_OVERWRITE)
        docs = corpus["docs"]
        start, cpu0 = time.perf_counter(), time.process_time()
        for d in docs:
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(d["text"])  # with positions, as ours keeps them
            if fields == 2:
                words.set_document(doc)
                # Positions after the stemmed field's, as ours keeps each
                # field's own (the gap only keeps phrases apart).
                words.set_termpos(tg.get_termpos() + 100)
                # wdf 0: the words add positions but nothing to the
                # document's length, which BM25 reads (ours keeps its
                # lengths from the scored field alone).
                words.index_text(d["text"], 0, "XP")
            doc.set_data(d["text"])   # stored, as ours stores the text
            doc.add_boolean_term("Q" + d["id"])
            db.replace_document("Q" + d["id"], doc)
        db.commit()
        index_s = time.perf_counter() - start
        index_cpu = time.process_time() - cpu0
        db.close()

        rdb = xapian.Database(tmp + "/db")
        queries = []
        for text in corpus["queries"]:
            parts = []
            for term, n in term_counts(tg, text):
                q = xapian.Query(term)
                if n > 1:
                    q = xapian.Query(xapian.Query.OP_SCALE_WEIGHT, q, float(n))
                parts.append(q)
            if parts:
                queries.append(xapian.Query(xapian.Query.OP_OR, parts))
        enq = xapian.Enquire(rdb)
        enq.set_weighting_scheme(xapian.BM25Weight(1.2, 0, 1, 0.75, 0.5))

        out = {"docs": len(docs), "fields": fields, "index_seconds": index_s,
               "docs_per_second": len(docs) / index_s,
               "index_cpu_ms_per_doc": index_cpu * 1000 / len(docs), "queries": len(queries)}
        for q in queries:  # warm-up: the database's pages in the cache
            enq.set_query(q)
            enq.get_mset(0, 1000)
        for k in (10, 1000):
            lat = []
            cpu0 = time.process_time()
            for _ in range(passes):
                for q in queries:
                    enq.set_query(q)
                    t0 = time.perf_counter_ns()
                    enq.get_mset(0, k)
                    lat.append(time.perf_counter_ns() - t0)
            cpu = time.process_time() - cpu0
            lat.sort()
            out["top%d" % k] = {"p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99),
                                "cpu_ms_per_query": cpu * 1000 / len(lat)}
        # Documents were added in order to an empty database, so document
        # number i is docs[i-1].
        top10 = []
        for q in queries:
            enq.set_query(q)
            top10.append([docs[m.docid - 1]["id"] for m in enq.get_mset(0, 10)])
        out["top10_ids"] = top10
        print(json.dumps(out))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
