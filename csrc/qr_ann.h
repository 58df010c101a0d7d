/*
 * Annotations as Lua values: the one place that turns a span of the text
 * and its attribute spec into the table the rule engine keeps,
 * {type, start, stop, text, rule, phase [, attrs]}, for the bindings that
 * make annotations in C (the token-pattern matcher, regexes, gazetteers);
 * and the sort of annotation lists by position.
 *
 * A spec says what a declared rule emits: its type, the rule's and phase's
 * names, the capture whose span the annotation takes (or the whole match),
 * and attrs, each a constant, a capture's text or the match's text. Each
 * binding names captures its own way (a slot number, a group name): it
 * resolves them to integer references when the spec is read, and gives
 * their spans back for each match.
 */
#ifndef QR_ANN_H
#define QR_ANN_H

#include "qr_lua.h"

#include <stddef.h>

enum { QR_ANN_CONST, QR_ANN_CAP, QR_ANN_MATCH };

/* The fields an annotation made here has room for beyond its own: those
 * the engine and later phases add to one they keep (its rank, and in the
 * news pack a person's cluster, a name's first_tok and last_tok). A Lua
 * table that grows past its size is rehashed whole, once per annotation
 * kept; the room costs less than that over the candidates dropped (1.4%
 * of the news pack's instructions saved). */
#define QR_ANN_ROOM 3

typedef struct qr_annattr {
    int kind;           /* QR_ANN_* */
    int key;            /* index of the attr's key in the values table */
    int arg;            /* CONST: index of the value there; CAP: the capture's reference */
} qr_annattr;

typedef struct qr_annspec {
    int type, rule, phase;  /* indexes of the strings in the values table */
    int span;           /* the capture reference giving the span, or -1: the match */
    int nattrs;         /* -1: no attrs table */
    qr_annattr *attrs;  /* malloc'd (qr_annspec_free) */
} qr_annspec;

/* Resolves the capture named by the Lua value on top of the stack (a slot,
 * a group name) to a reference >= 0, or returns -1 when there is none such. */
typedef int (*qr_ann_resolve)(lua_State *L, void *ud);

/* Reads the spec {type =, rule =, phase = [, span = cap] [, attrs = {{key,
 * "const", value} | {key, "cap", cap} | {key, "match"}, ...}]} at idx,
 * appending its strings and values to the table at index values. Raises
 * "WHAT: ..." on a malformed one; spec is then empty. */
void qr_annspec_read(lua_State *L, int idx, int values, qr_annspec *spec, qr_ann_resolve resolve, void *ud,
                     const char *what);
void qr_annspec_free(qr_annspec *spec);

/* The state of one call that makes annotations: the field names, pushed
 * once (qr_ann_begin), the values table, the text, and how to find a
 * capture's byte span [*start, *stop) in the current match (0: it took no
 * part). */
typedef struct qr_annemit {
    lua_State *L;
    int keys;           /* stack index of the first field name */
    int values;         /* stack index of the values table */
    const char *text;
    int (*cap)(void *ud, int ref, size_t *start, size_t *stop);
    void *ud;
} qr_annemit;

/* Pushes the field names (a few stack slots, kept until the call returns). */
void qr_ann_begin(lua_State *L, qr_annemit *e, int values, const char *text,
                  int (*cap)(void *ud, int ref, size_t *start, size_t *stop), void *ud);

/* Pushes the annotation spec s makes of a match over bytes [ms, me):
 * {type, start, stop, [attrs,] rule, phase, text}; the span is the spec's
 * capture's or the match's. Attrs, in the order listed, are constants, a
 * capture's text (left out when it took no part) or the match's text.
 * Returns 0, pushing nothing, when the span's capture took no part. */
int qr_ann_push(const qr_annemit *e, const qr_annspec *s, size_t ms, size_t me);

/* Annotations of declared rules kept as records until a phase's overlap
 * resolution has picked those it keeps: only those are made into tables
 * (qr_anndefer_push makes the table qr_ann_push would have made at the
 * match). A userdata that holds its owner (whose specs *specs points to,
 * NULL once the owner is closed), the values table of the specs' strings
 * and the tokens whose text the spans are in. Records are numbered from 1. */
typedef struct qr_anndefer qr_anndefer;

/* Pushes a new, empty record store (owner, values and tokens: stack
 * indexes of the values it keeps; specs: where the owner keeps its specs). */
qr_anndefer *qr_anndefer_new(lua_State *L, int owner, int values, int tokens, qr_annspec *const *specs);

/* Records the annotation spec number si (in *specs) makes of a match over
 * bytes [ms, me) with ncaps captures, found by cap (as qr_annemit's):
 * returns its number, or 0 (no record) when the span's capture took no
 * part. Raises on a lack of memory. */
lua_Integer qr_anndefer_add(lua_State *L, qr_anndefer *d, int si, size_t ms, size_t me, int ncaps,
                            int (*cap)(void *ud, int ref, size_t *start, size_t *stop), void *ud);

/* The record store at idx, or NULL when the value there is nil or none;
 * raises when it is something else. */
qr_anndefer *qr_anndefer_opt(lua_State *L, int idx);

/* The span of record i: 1 and its bytes [*start, *stop), or 0 when there
 * is no such record. */
int qr_anndefer_span(const qr_anndefer *d, lua_Integer i, size_t *start, size_t *stop);

/* Prepares e to make tables of the records of the store at idx (pushing
 * the values table and the field names: a few stack slots). Raises when
 * the store's owner or tokens are closed. */
void qr_anndefer_begin(lua_State *L, int idx, qr_annemit *e);

/* Pushes the annotation of record i (qr_ann_push's), with e from
 * qr_anndefer_begin; raises when there is no such record. */
void qr_anndefer_push(qr_annemit *e, lua_Integer i);

/* The stack indexes of the values every annotation of a gazetteer shares:
 * its type, and its rule, phase and rank (0: left out). */
typedef struct qr_annentry {
    int type, rule, phase, rank;
} qr_annentry;

/* Sets in the table at attrs each field of the table at extra it lacks
 * (raw; both indexes absolute). */
void qr_ann_merge_absent(lua_State *L, int attrs, int extra);

/* Pushes the annotation of a gazetteer entry over [start, stop), made at
 * its size: {type, start, stop, text, rule, phase, rank, [entry,] attrs =
 * {name = canonical [, category] [, the entry's own attrs]}}; entry (> 0)
 * when the entry has attrs of its own that are not merged; extra (a stack
 * index, 0: none) the table of the entry's attrs, merged into attrs where
 * a key has no value yet. */
void qr_ann_push_entry(const qr_annemit *e, const qr_annentry *a, size_t start, size_t stop,
                       const char *canonical, size_t clen, const char *category, size_t catlen,
                       lua_Integer entry, int extra);

/* The record of a gazetteer entry that qr_ann_push_record makes its
 * annotations of, in a list: the canonical name, the category (false:
 * none), the table of the entry's own attrs it was made with (false:
 * none), the size of the attrs table, then the key and value of each
 * attr merged, in the order qr_ann_merge_absent sets them. */
enum { REC_NAME = 1, REC_CATEGORY, REC_EXTRA, REC_SIZE, REC_PAIRS };

/* Pushes the record of an entry named canonical, of category (NULL:
 * none), with the attrs of the table at extra (a stack index, 0: none). */
void qr_ann_entry_record(lua_State *L, const char *canonical, size_t clen, const char *category, size_t catlen,
                         int extra);

/* Pushes the annotation of a gazetteer entry over [start, stop) by its
 * record at rec (a stack index): what qr_ann_push_entry makes of the
 * entry with its attrs merged, without the strings made again and with
 * the attrs to merge found in order. */
void qr_ann_push_record(const qr_annemit *e, const qr_annentry *a, size_t start, size_t stop, int rec);

/* A candidate of a rule phase for overlap resolution: its rule's priority
 * and order, its span, where its match started (cstart), and its position
 * in the phase's candidate list (1-based). */
typedef struct qr_cand {
    lua_Number priority, start, stop, cstart;
    lua_Integer order;
    int index;
} qr_cand;

/* Which of the n candidates c a phase keeps by its control style (appelt
 * nonzero: "appelt", else "first"), as quarry.core.resolve_overlaps: their
 * indexes, best first, into kept (room for n); returns how many. Leaves c
 * as it is; coord needs room for 4 * n + 2 numbers. */
size_t qr_resolve_overlaps(qr_cand *c, size_t n, int appelt, lua_Number *coord, int *kept);

#endif
