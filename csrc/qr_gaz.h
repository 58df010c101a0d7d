/*
 * Gazetteers: lists of phrases (names of people, places, organisations...)
 * matched on tokens. A phrase is tokenised with the text tokeniser
 * (sentences off) and stored as the sequence of its token keys in a trie.
 * The trie's edges live in an open-addressing hash table keyed by
 * (node, interned key id), so following one token costs O(1) whatever the
 * size of the list: matching cost does not grow with the list.
 *
 * Fold modes: QR_GAZ_EXACT compares token text as is; QR_GAZ_CASE (the
 * default) compares qr_token_key mode 0 keys (case-folded, quotes
 * unified); QR_GAZ_BARE compares QR_KEY_BARE keys (diacritics stripped too).
 *
 * An entry is a canonical name, a type (may be empty) and optional
 * attributes (a JSON object, kept as text). Several phrases (aliases) may
 * lead to one entry, and one phrase may lead to several entries (an
 * ambiguous name). Everything lives in C arenas: no Lua value per entry.
 *
 * Entry ids are 1-based in C as in Lua (0 is never an id). Token indices
 * are 0-based, as in qr_tokens.
 */
#ifndef QR_GAZ_H
#define QR_GAZ_H

#include "qr_keys.h"
#include "qr_token.h"

typedef struct qr_gaz qr_gaz;

enum { QR_GAZ_EXACT = 0, QR_GAZ_CASE = 1, QR_GAZ_BARE = 2 };

/* Error codes, besides QR_OK, QR_ENOMEM and QR_ETOOBIG (qr_token.h). */
enum {
    QR_GAZ_EEMPTY = 16,   /* the phrase has no tokens */
    QR_GAZ_ELONG,         /* the phrase has more than QR_GAZ_MAX_TOKENS tokens */
    QR_GAZ_EATTRS,        /* attrs is not a JSON object ({...}) */
    QR_GAZ_EIO,           /* a file could not be opened or read */
    QR_GAZ_ESYNTAX        /* a malformed line in a file */
};

#define QR_GAZ_MAX_TOKENS 128   /* longest phrase, in tokens */

/* File formats of qr_gaz_load_file. */
enum { QR_GAZ_TSV = 0, QR_GAZ_LINES = 1 };

/* One match starting at a given token. */
typedef struct qr_gaz_match {
    uint32_t end;     /* index one past the phrase's last token */
    uint32_t entry;   /* entry id, 1-based */
} qr_gaz_match;

/* A new, empty gazetteer (mode QR_GAZ_EXACT, _CASE or _BARE), or NULL when
 * out of memory. */
qr_gaz *qr_gaz_new(unsigned mode);
void qr_gaz_free(qr_gaz *g);

/* 0 exact, 1 case, 2 bare (QR_GAZ_*). */
unsigned qr_gaz_mode(const qr_gaz *g);
/* The qr_keys mode a text's keys must be built in for g: 0 or QR_KEY_BARE
 * (not used in exact mode, which compares token text). */
unsigned qr_gaz_key_mode(const qr_gaz *g);

/* Adds phrase -> entry (canonical, type, attrs). An empty canonical means
 * the phrase itself (from its first token to its last). Canonical and type
 * are trimmed of ASCII white space. The entry with the same canonical and
 * type is reused (an alias); it keeps the first non-empty attrs given.
 * Adding a phrase that already leads to the entry changes nothing.
 * Returns QR_OK (and the entry id in *entry), QR_GAZ_EEMPTY, QR_GAZ_ELONG,
 * QR_GAZ_EATTRS, QR_ENOMEM or QR_ETOOBIG (about 2^31 nodes, entries or
 * bytes of names: ids and offsets are 32-bit).
 * On an error the gazetteer holds what it held before (perhaps with unused
 * trie nodes). The strings must not point into g's own (qr_gaz_entry). */
int qr_gaz_add(qr_gaz *g, const char *phrase, size_t plen,
               const char *canonical, size_t clen, const char *type, size_t tlen,
               const char *attrs, size_t alen, uint32_t *entry);

/* Loads a file: QR_GAZ_TSV lines are phrase<TAB>canonical<TAB>type, with an
 * optional fourth field of attrs (a JSON object); canonical and type may be
 * empty. QR_GAZ_LINES lines are one phrase each. Blank lines and lines that
 * start with '#' are skipped; a CR before the LF and a UTF-8 BOM at the
 * start are dropped; a line holding a NUL byte is malformed (a binary
 * file). A regular file over 1 MB is read twice: first to
 * count its lines and size the tables. type (tlen
 * bytes, may be NULL) is the type of lines whose type is empty.
 * Returns QR_OK with the number of phrases added in *count, QR_GAZ_EIO
 * ("path: reason" in err) or QR_GAZ_ESYNTAX ("path:line: problem" in err),
 * or QR_ENOMEM / QR_ETOOBIG. Lines before a bad one stay added (*count says
 * how many). err gets a message for every error code. */
int qr_gaz_load_file(qr_gaz *g, const char *path, int format, const char *type, size_t tlen,
                     size_t *count, char *err, size_t errsize);

/* Every phrase of g that starts at token i of a text and ends at or before
 * token `limit` (exclusive; e.g. the end of the sentence, the paragraph or
 * the text; clamped to t->n). keys are the text's keys in the mode
 * qr_gaz_key_mode(g) gives, built with qr_keys_build or qr_tokens_keys
 * (NULL works too, computing each key as it goes, more slowly). A
 * QR_GAZ_EXACT gazetteer compares text[tok.start..stop); given keys (of
 * either mode), it takes the hash of a token whose key is its text
 * (keys->same) from them rather than hashing the text again.
 *
 * Matches go to out[0 .. cap) longest first (by end, descending); the
 * entries of one phrase in the order they were first added. Returns the
 * number of matches there are, which may exceed cap: then only the first
 * cap (the longest) were stored. cap 1 gives the longest match; cap 0 just
 * counts. Costs one key lookup and one edge probe per token followed, at
 * most the gazetteer's longest phrase. */
size_t qr_gaz_match_at(const qr_gaz *g, const qr_tokens *t, const char *text,
                       const qr_keys *keys, size_t i, size_t limit,
                       qr_gaz_match *out, size_t cap);

/* The fast path for scanning a whole text: look every token's key up once
 * with qr_gaz_key_ids, then match at each token with qr_gaz_match_ids,
 * which follows edges only (no hashing of key bytes).
 *
 * qr_gaz_key_ids sets ids[j], for every token j in [first, last) (clamped
 * to t->n), to the id of the token's key in g, 0 when no phrase has it;
 * text and keys as for qr_gaz_match_at. With starts (room for last - first
 * tokens), it lists there, in order, the tokens whose key can begin a
 * phrase, and returns how many (qr_gaz_match_ids finds nothing at the
 * others); without, it returns 0. The ids stay valid until the next
 * qr_gaz_add or load. qr_gaz_match_ids is qr_gaz_match_at over such ids:
 * ids[i .. limit) must be set (limit is not clamped); same results, same
 * order. */
size_t qr_gaz_key_ids(const qr_gaz *g, const qr_tokens *t, const char *text, const qr_keys *keys,
                      size_t first, size_t last, uint32_t *ids, uint32_t *starts);
size_t qr_gaz_match_ids(const qr_gaz *g, const uint32_t *ids, size_t i, size_t limit,
                        qr_gaz_match *out, size_t cap);

/* The interned keys of g's phrases, ids 1 .. qr_gaz_keys(g): the key of
 * id (len bytes; valid until the next qr_gaz_add, load or free). */
size_t qr_gaz_keys(const qr_gaz *g);
const char *qr_gaz_key(const qr_gaz *g, uint32_t id, size_t *len);
/* Changes with every qr_gaz_add (and load): what a caller derived from
 * g's keys (a map for qr_gaz_key_ids_mapped) holds while it stays the
 * same. */
uint64_t qr_gaz_version(const qr_gaz *g);

#define QR_GAZ_STARTS 0x80000000u   /* in a map word: a phrase can begin with the key */

/* The map word of key id for qr_gaz_key_ids_mapped: id, with
 * QR_GAZ_STARTS when a phrase can begin with the key. */
uint32_t qr_gaz_key_word(const qr_gaz *g, uint32_t id);

/* qr_gaz_key_ids over ids of the tokens' keys that the caller looked up
 * once for every list (a vocabulary shared by several gazetteers): vids[j]
 * is token j's key id there (keys built in qr_gaz_key_mode(g)), and
 * map[v] (v < nmap; 0 past nmap) the map word (qr_gaz_key_word) of g's
 * key interned there as v, 0 when g lacks the key. The caller keeps map
 * in step with g (qr_gaz_version). keys must be given (an exact list
 * looks up the text of a token whose key is not its text, keys->same).
 * Requires starts; same results as qr_gaz_key_ids. Costs an array read a
 * token, without hashing. */
size_t qr_gaz_key_ids_mapped(const qr_gaz *g, const qr_tokens *t, const char *text, const qr_keys *keys,
                             const uint32_t *vids, const uint32_t *map, size_t nmap, size_t first, size_t last,
                             uint32_t *ids, uint32_t *starts);

/* qr_gaz_match_ids with each token's key id read through the map of
 * qr_gaz_key_ids_mapped (vids[i .. limit) must be set): for a list that is
 * not QR_GAZ_EXACT, at a token whose map word has QR_GAZ_STARTS, with no
 * array of the list's own key ids made first. Same results, same order. */
size_t qr_gaz_match_mapped(const qr_gaz *g, const uint32_t *vids, const uint32_t *map, size_t nmap, size_t i,
                           size_t limit, qr_gaz_match *out, size_t cap);

/* Entry `id`: its canonical name, type and attrs (each with its length;
 * type and attrs have length 0 when absent; the strings are not
 * NUL-terminated and stay valid until the next qr_gaz_add, load or free).
 * Any output pointer may be NULL. Returns 1 when the entry exists, else 0
 * (then the outputs are untouched). */
size_t qr_gaz_entry(const qr_gaz *g, uint32_t id, const char **canonical, size_t *clen,
                    const char **type, size_t *tlen, const char **attrs, size_t *alen);

size_t qr_gaz_entries(const qr_gaz *g);   /* number of entries */
size_t qr_gaz_phrases(const qr_gaz *g);   /* number of (phrase, entry) pairs */
size_t qr_gaz_longest(const qr_gaz *g);   /* longest phrase, in tokens */
size_t qr_gaz_memsize(const qr_gaz *g);   /* bytes allocated */

/* A message for an error code of this file. */
const char *qr_gaz_strerror(int rc);

#endif
