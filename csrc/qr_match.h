/*
 * Token patterns, the engine: a backtracking machine over tokens and the
 * annotations of earlier phases, running every rule of a phase over a text
 * in one pass and dispatching on the first token so that a rule only runs
 * where it can start. No Lua here: qr_lmatch.c reads the description that
 * lua/quarry/pattern.lua compiles into a qr_matcher, and turns matches into
 * Lua values.
 *
 * Semantics are those of regular expressions over tokens: alternatives and
 * repetitions backtrack (greedy or lazy), the first successful path from a
 * start token is that start's match. Units: one token (a predicate), an
 * annotation of an earlier phase (longest first), lookaround.
 *
 * Words are compared as ids of a vocabulary (qr_vocab.h): the binding
 * interns every word a pattern names, and a run gets the ids of the text's
 * token keys, so that a word test is an integer compare and a word-set test
 * one bit of a bitmap.
 */
#ifndef QR_MATCH_H
#define QR_MATCH_H

#include "qr_regex.h"
#include "qr_token.h"
#include "qr_vocab.h"

#include <stddef.h>
#include <stdint.h>

/* Instructions; the codes are those of OP in lua/quarry/pattern.lua. */
enum qr_mop {
    QR_OP_END, QR_OP_TOKEN, QR_OP_ANN, QR_OP_CHOICE, QR_OP_JMP, QR_OP_FAIL, QR_OP_OPEN, QR_OP_CLOSE,
    QR_OP_AHEAD, QR_OP_BEHIND, QR_OP_TEST, QR_OP_COUNT
};

typedef struct qr_minst {
    int op;
    int a, b, c, d;     /* TOKEN: a = predicate; ANN: a = class (1-based); CHOICE, JMP: a = target;
                           CHOICE: b = 0, or predicate + 1 that the token at the position must
                           meet for the way on (else it goes to a at once, no entry pushed);
                           OPEN, CLOSE: a = capture slot; AHEAD, BEHIND: a = body, b = 1 if
                           negative, c .. d = tokens a lookbehind body takes; AHEAD: c = 0, or
                           predicate + 1 that the token at the position must meet for the body
                           to match (else the body is not run); TEST: a lookaround
                           of one token, a = predicate, b = 1 if negative, c = 1 behind, d = 1 a
                           guard: a regex error lets the token through */
} qr_minst;

/* Token predicates; the codes are those of PRED in lua/quarry/pattern.lua.
 * QR_P_NEXT and QR_P_PREV (of windows only): the next token of the text,
 * or the one before, meets kids[0]; a regex's error there lets the token
 * through, as a guard's does. */
enum qr_mpred_op {
    QR_P_TRUE, QR_P_TEXT, QR_P_KEY, QR_P_BARE, QR_P_KEYSET, QR_P_BARESET, QR_P_KIND, QR_P_CASE, QR_P_SHAPE,
    QR_P_SHORT_SHAPE, QR_P_REGEX, QR_P_LEN, QR_P_FLAGS, QR_P_WITHIN, QR_P_STARTS, QR_P_ENDS, QR_P_NOT, QR_P_AND,
    QR_P_OR, QR_P_NEXT, QR_P_PREV, QR_P_COUNT
};

#define QR_FAST_COVERS 4

typedef struct qr_mpred {
    int op;
    int a, b;           /* masks, numbers, class, set (1-based) or regex (1-based) */
    char *s;            /* TEXT, SHAPE, SHORT_SHAPE: the string */
    size_t slen;
    uint32_t id;        /* KEY, BARE: the word's id */
    int *kids;          /* NOT, AND, OR: predicate indexes (0-based) */
    int nkids;
    /* A REGEX, or an OR of KEY, KEYSET and REGEX, with the matcher's regex
     * filters (qr_matcher_prepare sets quick): a token of fewer bytes than
     * qmin, or whose first byte qfirst lacks, meets none of its regexes */
    int quick;
    uint32_t qmin;
    uint8_t qfirst[32];
    /* an OR with quick set: the words of its KEY and KEYSET parts in one
     * set, so that a quick scan tests one bit a token for all of them */
    qr_idset qwords;
    /* an OR or AND with fast set: its parts that test a kind or a case
     * (OR: also a word, where annotations lie) and come before any part
     * that may fail with an error (a regex), tested at once; then the
     * others (rest, in order). Those parts cannot fail, so their order
     * changes nothing. OR: the token meets one of fkinds, fcases, fwords
     * or a cover (class fclass, bits fbits); AND: both fkinds and fcases. */
    int fast;
    unsigned fkinds, fcases;
    qr_idset fwords;
    int fclass[QR_FAST_COVERS];
    unsigned fbits[QR_FAST_COVERS];
    int nfcovers;
    int *rest;
    int nrest;
} qr_mpred;

enum { QR_SCOPE_DOCUMENT, QR_SCOPE_PARAGRAPH, QR_SCOPE_SENTENCE };

#define QR_MAX_CAPS 65536   /* capture slots of a rule: 0 .. QR_MAX_CAPS - 1 */

/* A window of a rule: every match has a token meeting predicate pred
 * (0-based) from lo to hi + anns * (the longest annotation of the run)
 * tokens after its start (hi < 0: anywhere from lo on). Starts where no
 * such token is are not tried. */
typedef struct qr_mwindow {
    int pred, lo, hi, anns;
} qr_mwindow;

#define QR_MAX_WINDOWS 4

typedef struct qr_mrule {
    char *name;
    int entry;          /* first instruction */
    int ncaps;
    int scope;          /* QR_SCOPE_* */
    unsigned first_kinds, first_cases;   /* bits of the kinds and cases a match may start with */
    uint32_t *first_ids;  /* the words every match starts with, or NULL: any */
    size_t nfirst;
    uint64_t required;  /* bloom bits (qr_match_bloom) of the words every match contains */
    int anchor_off;     /* > 0: every match has a token meeting predicate */
    int anchor_pred;    /* anchor_pred this many tokens after its start */
    int start;          /* 0, or predicate + 1 that the token every match starts
                           at meets, and whose test cannot fail with an error */
    qr_mwindow windows[QR_MAX_WINDOWS];
    int nwindows;
    /* set by qr_matcher_prepare: when the program opens with a guard (a
     * TEST with d = 1), its predicate + 1, which a run tests before
     * running the program from the next instruction; else 0 */
    int guard;
} qr_mrule;

/* Rules that may start on a token with a given word: its id -> a list. */
typedef struct qr_mdispatch {
    uint32_t *ids;      /* open addressing over word ids, 0 = empty */
    int **lists;        /* per slot: rule numbers, -1 terminated */
    size_t cap;
    int *any;           /* rules that may start on any word, -1 terminated */
    size_t nany;
    /* ... of them, those whose first token may have this kind and case: most
     * tokens then try no rule at all instead of failing each one */
    int *any_by[QR_KIND_COUNT][QR_CASE_COUNT];
    /* ... the same as bits of their positions in any, when there are at
     * most 64 of them (nany <= 64): a run then goes over the rules a
     * token may start and that no window rules out, not over them all */
    uint64_t any_mask[QR_KIND_COUNT][QR_CASE_COUNT];
    /* the words of ids as a set: a token whose word starts no rule is
     * turned away with one bit, without probing the table */
    qr_idset has;
    /* With any_mask, unless no_prefilter (has_start): what the first token of
     * each any-word rule must be, as its program's first tests (a guard,
     * a start test, a first token) say, made into a few alternatives a
     * token is told by at once (start_mask in qr_match.c). Bit j of
     * any_mask may start at a token only when it is set in start_plain
     * of the token's kind and case, start_cover of a class at the token's
     * cover bits, start_word of its word, or all of start_byte of its
     * first byte, start_len of its length (up to 63) and start_rplain of
     * its kind and case. */
    int has_start;
    uint64_t start_plain[QR_KIND_COUNT][QR_CASE_COUNT];
    uint64_t (*start_cover)[8];     /* per class (start_classes of them) */
    int *start_classes;             /* the classes start_cover has bits for */
    uint64_t start_covered;         /* the rules with bits in start_cover */
    int nstart_classes;
    uint64_t start_byte[256], start_len[64], start_rplain[QR_KIND_COUNT][QR_CASE_COUNT];
    uint64_t start_bytes;           /* the rules with a first byte or length */
    /* the rules whose anchor is the next token's kind or case (qr_mrule
     * anchor_off 1), as bits of those the next token's kind and case
     * allow (every other rule's bit set); next_end: those allowed at the
     * last token of a text */
    uint64_t next_plain[QR_KIND_COUNT][QR_CASE_COUNT], next_end;
    uint64_t next_rules;            /* the rules with such an anchor */
    uint64_t start_worded;          /* the rules with bits in start_words */
    uint32_t *start_ids;            /* words (open addressing, 0 = empty) */
    uint64_t *start_words;          /* ... and the rules each may start */
    size_t start_cap;
    qr_idset start_has;             /* the words of start_ids as a set */
} qr_mdispatch;

/* One test of a flattened predicate (qr_matcher flat): the part of
 * predicate pred that op says (a predicate's own op for a one-token test;
 * QR_P_AND or QR_P_OR for the parts of pred that qr_mpred fast tests at
 * once), then the next test by its answer: an index into flat, or
 * QR_FLAT_FALSE or QR_FLAT_TRUE, the predicate's answer. */
typedef struct qr_mflat {
    int pred, op;
    int on_true, on_false;
} qr_mflat;

#define QR_FLAT_FALSE (-1)
#define QR_FLAT_TRUE  (-2)
#define QR_FLAT_NONE  (-3)   /* not flattened: tested part by part */

typedef struct qr_matcher {
    qr_minst *code;
    int ncode;
    qr_mpred *preds;
    int npreds;
    /* NOT, AND and OR predicates as tests of one token each, in the order
     * the parts are tested, that jump on each answer instead of calling
     * themselves for each part: per predicate, its first test
     * (QR_FLAT_NONE: not flattened, or not made of others) */
    qr_mflat *flat;
    int nflat, capflat;
    int *flat_entry;
    qr_idset *sets;     /* KEYSET, BARESET */
    int nsets;
    qr_regex **regexes;
    qr_regex_filter *refilters;   /* per regex: what turns tokens away before a call */
    int nregexes;
    qr_mrule *rules;
    int nrules;
    int nclasses;
    int needs_ids, needs_bare;   /* which token ids a run needs */
    int no_prefilter;   /* set: no start is ruled out but by what the rules'
                           descriptions say (qr_mrule) and the program */
    int any_required;   /* some rule has required words: paragraph filters are built */
    qr_idset reqwords;  /* the required words of every rule: only they go into those filters */
    qr_mdispatch disp;
    long step_limit;
    /* The word and word-set predicates of windows (the first 64; also an
     * AND whose first part is one: its words), and per word id
     * the bits of those that hold it (open addressing, 0 = empty): a run
     * lists once where each one's words are (qr_mrun wpost) instead of
     * each window scanning the tokens for them. */
    int *wset_bit;      /* per predicate: its bit, or -1 */
    int nwsets;
    uint32_t *wids;
    uint64_t *wmasks;
    size_t wcap;
    qr_idset whas;      /* the words of wids as a set (see qr_mdispatch has) */
    /* The predicates of windows with a quick test (qr_mpred quick; the
     * first 64) and, as their bits, what each lets through: per first
     * byte, per token length (up to 63; past that, qmins), per word id
     * (open addressing, 0 = empty). A run marks each token once with the
     * bits of those it may meet (qr_mrun qmask) instead of each window
     * testing the token. */
    int *quick_bit;     /* per predicate: its bit, or -1 */
    int nquick;
    uint64_t qbyte[256], qlen[64];
    uint32_t qmins[64];
    uint32_t *qids;
    uint64_t *qwmasks;
    size_t qcap;
    qr_idset qhas;      /* the words of qids as a set */
} qr_matcher;

/* Bloom bits of word id in a 64-bit filter (two bits). */
static inline uint64_t qr_match_bloom(uint32_t id)
{
    uint64_t h = (uint64_t)id * UINT64_C(0x9E3779B97F4A7C15);
    return ((uint64_t)1 << (h >> 58)) | ((uint64_t)1 << ((h >> 52) & 63));
}

/* Builds the first-token dispatch of a matcher whose code, predicates and
 * rules are set: QR_OK or QR_ENOMEM. */
int qr_matcher_prepare(qr_matcher *m);
/* Frees everything the matcher holds (not the regexes: the binding's). */
void qr_matcher_free(qr_matcher *m);

/* --- annotations of earlier phases ----------------------------------------- */

typedef struct qr_annref {
    uint32_t first, last;   /* token span, inclusive, 0-based */
    int32_t ref;            /* the caller's annotation number */
} qr_annref;

typedef struct qr_annindex {
    int nclasses;
    qr_annref **byclass;    /* per class, sorted by first, then longest first */
    size_t *count;
    uint8_t **cover;        /* per class, per token: QR_COVER_* bits */
} qr_annindex;

#define QR_COVER_WITHIN 1u
#define QR_COVER_STARTS 2u
#define QR_COVER_ENDS   4u

/* Sets up an index of nclasses classes over ntok tokens, counts[c] of
 * class c, whose entries the caller fills (qr_annindex_slot), then sorts
 * and covers (qr_annindex_finish). QR_OK or QR_ENOMEM. */
int qr_annindex_init(qr_annindex *ax, int nclasses, size_t ntok, const size_t *counts);
void qr_annindex_finish(qr_annindex *ax, size_t ntok);
void qr_annindex_free(qr_annindex *ax);

/* --- running ----------------------------------------------------------------- */

typedef struct qr_mcapev {  /* capture log entry */
    int slot;               /* >= 0: a capture slot; < 0: an annotation unit of class -1 - slot */
    int close;
    size_t pos;             /* token; for a unit: the annotation's ref */
} qr_mcapev;

typedef struct qr_mframe qr_mframe;

enum { QR_MATCH_OK, QR_MATCH_NOMEM, QR_MATCH_STEPS, QR_MATCH_REGEX, QR_MATCH_DEPTH, QR_MATCH_STOPPED };

/* Each lookaround inside another runs the machine one level deeper on the
 * C stack: deeper nesting fails the rule instead of overflowing the stack. */
#define QR_MAX_LOOK_DEPTH 1000

typedef struct qr_mrun qr_mrun;

/* Called for each match of rule ri from token first to end (exclusive),
 * non-empty, in order of first token, then rule dispatch order. The
 * captures are those of r (qr_mrun_cap, r->caps). Returns 0 to go on. */
typedef int (*qr_match_emit)(void *ud, const qr_mrun *r, int ri, size_t first, size_t end);

struct qr_mrun {
    const qr_matcher *m;
    const qr_tokens *toks;
    const qr_token *tok;          /* toks->tok, and m->preds: read at every step */
    const qr_mpred *preds;
    const char *text;
    const uint32_t *ids, *bare;   /* per token: the ids of its key and bare key (or NULL) */
    const qr_annindex *ax;        /* or NULL */
    qr_mframe *stack;
    size_t nstack, capstack;
    qr_mcapev *caps;              /* the capture log of the match being made */
    size_t ncaps, capcaps;
    long steps;
    long backtracks;       /* of this attempt: tells a runaway pattern from a long match */
    int depth;             /* lookarounds open around the current step */
    int err;               /* QR_MATCH_* */
    int err_rule;          /* rule and token where it happened */
    size_t err_token;
    int regex_err;         /* QR_MATCH_REGEX: the regex's code */
    size_t bounds[3][2];   /* per scope: [start, end) of the group holding the current token */
    uint64_t bloom_doc, bloom_para;   /* words present in the text, in the current paragraph */
    uint64_t *para_blooms;
    /* the any-word rules of each kind and case whose required words the
     * current paragraph has: filtered once a paragraph, when first needed */
    int *pass_lists;
    long pass_stamp[QR_KIND_COUNT][QR_CASE_COUNT];
    /* with any_mask: the any-word rules (bits of their positions) the
     * current paragraph's words allow (pass_mask), those that may start at
     * the current token (awake) and those a window rules out until their
     * skip (asleep; the first of them wakes at wake_at, SIZE_MAX when none
     * sleeps) */
    uint64_t pass_mask, awake, asleep;
    size_t wake_at;
    /* per rule and window, what the scan for its predicate found so far:
     * no token from the last start's window on meets it before win_pos,
     * which does, or (win_pos UINT32_MAX) none before win_upto */
    uint32_t *win_pos, *win_upto;
    /* ... and (for a window of words, listed in wpost) the place in its
     * list of the first token at or after its last scan's start (in
     * win_pos's block): scans start ever later, so each goes on from there */
    uint32_t *win_idx;
    size_t *skip;          /* per rule: no start before this can pass its windows */
    size_t *hold;          /* per rule (in skip's block): every start before this
                              passes its windows (an earlier start found them
                              holding up to here) */
    uint8_t **re_memo;     /* per regex, per token: 0 not asked yet, 1 no match, 2 a match */
    /* per regex, its answers by the token's text (QR_RECACHE of them, by
     * hash, the last one kept), kept from one run of the matcher to the
     * next: the same words come back in every text */
    struct qr_recache **re_cache;
    int nre_cache;         /* regexes re_cache has room for */
    /* per regex whose matches start at a token's first byte (its filter
     * anchored), by a token's first two bytes when both are ASCII (128 *
     * first + second): 0 not asked yet, 1 no token beginning so meets it,
     * 2 one may; kept from one run to the next, as re_cache */
    uint8_t **re_pairs;
    int nre_pairs;         /* regexes re_pairs has room for */
    /* where what a run makes for its text comes from (memo columns,
     * postings, masks, paragraph filters): chunks kept from one run of the
     * matcher to the next and taken again from their start, instead of a
     * malloc and a free each */
    struct qr_mchunk *chunks, *chunk_at;
    uint8_t **pred_memo;   /* per window predicate, per token: the same */
    int *memo_preds;       /* the predicates pred_memo has a column for this run
                              (npreds + 1 of room), which qr_mrun_reset clears */
    int nmemo_preds;
    size_t ann_max;        /* tokens of the longest annotation of the run's index */
    /* when ann_max > 1: per token p, the furthest token one unit (a token,
     * or an annotation) starting at or before p can end before: the
     * largest q + (tokens of the longest annotation starting at q), at
     * least q + 1, for q <= p. A window's tokens and annotation units from
     * a start reach no further than as many steps of it (windows_hold),
     * most often far less than anns * ann_max. Made when a window first
     * asks (reach_state as wpost_state; -1 also when no annotation is
     * longer than a token). */
    uint32_t *reach;
    int reach_state;
    /* per word or word-set predicate of windows (qr_matcher wset_bit): the tokens
     * holding one of its words, in order; made when a window first asks */
    uint32_t *wpost[64];
    size_t nwpost[64];
    int wpost_state;       /* 0 not made, 1 made, -1 no memory: scan instead */
    /* per quick bit (qr_matcher quick_bit), a bitmap of the tokens that
     * may meet its predicate (qwords words each), so that a scan passes
     * 64 tokens a word */
    /* with qr_mdispatch start_cover: per token, the rules (bits of
     * any_mask) its covers let start, made with the run */
    uint64_t *start_cov;
    uint64_t *qmask;
    size_t qwords;
    int qmask_state;       /* the same states */
    char shape_buf[256];
};

/* Runs every rule of m over toks (text, the ids of its keys: see
 * qr_matcher needs_ids and needs_bare; ax may be NULL), calling emit for
 * each match. r is scratch that the caller zeroes before and frees after
 * (qr_mrun_free), also when emit does not return. Returns QR_MATCH_OK, or
 * an error with r->err_rule and r->err_token set (QR_MATCH_STOPPED: emit
 * asked to stop). */
int qr_match_run(qr_mrun *r, const qr_matcher *m, const qr_tokens *toks, const char *text, const uint32_t *ids,
                 const uint32_t *bare, const qr_annindex *ax, qr_match_emit emit, void *ud);
void qr_mrun_free(qr_mrun *r);
/* After a run, r as a run of the same matcher takes it, without freeing
 * what the matcher sizes (its memo tables, windows, stacks, regex answers
 * by text) nor the chunks the run's text took room from (up to 4 MB of
 * them: a long text's beyond that are freed): what the run made for its
 * text is forgotten, the rest cleared. qr_mrun_free frees it. */
void qr_mrun_reset(qr_mrun *r);

/* In emit: the tokens capture slot took in the match (the last time it was
 * opened and closed), [*first, *end); 0 when it took none. */
int qr_mrun_cap(const qr_mrun *r, int slot, size_t *first, size_t *end);

#endif
