/*
 * Fuzz target: the gazetteer loader and trie (qr_gaz.c). The input is
 * written to a file and loaded twice into one gazetteer (aliases, repeated
 * phrases, growth), as TSV or one phrase a line; then the text after the
 * first "\n\n\n" (or the input itself) is matched, both ways the C API
 * offers, and phrases taken from its lines are added one by one.
 *
 * Input: byte 0 = fold mode (0-2, bits 0-1), format (bit 2), and whether a
 * type is given (bit 3); the rest is the file.
 *
 * Invariants (abort when broken): every call returns a known code; an
 * error code comes with a NUL-terminated message naming the file; matches
 * lie inside their limit, longest first, name existing entries; the
 * per-token lookup (qr_gaz_match_at) and the scan API (qr_gaz_key_ids +
 * qr_gaz_match_ids) agree, and no match begins at a token qr_gaz_key_ids
 * leaves out of its list of those that can begin one; the key ids through
 * a vocabulary the list's keys were interned in (qr_gaz_key_ids_mapped,
 * with words interned before them and a map shorter than the vocabulary)
 * are those qr_gaz_key_ids gives.
 */
#define _POSIX_C_SOURCE 200809L     /* mkstemp, unlink */
#include "qr_gaz.h"
#include "qr_keys.h"
#include "qr_token.h"
#include "qr_vocab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "fuzz_gaz: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

static char path[64];

static void remove_file(void) { unlink(path); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    int fd;
    (void)argc; (void)argv;
    strcpy(path, "/tmp/quarry-fuzz-gaz-XXXXXX");
    fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    atexit(remove_file);
    return 0;
}

/* qr_gaz_key_ids_mapped through a vocabulary holding the text's first
 * keys, then the list's, then more words (past the map's end) gives what
 * qr_gaz_key_ids gives: ids and begins[0 .. nbegins). */
static void check_mapped(const qr_gaz *g, const qr_tokens *t, const char *text, const uint32_t *ids,
                         const uint32_t *begins, size_t nbegins)
{
    qr_vocab v;
    qr_keys keys;
    uint32_t *vids, *map, *mids = malloc((t->n + 1) * sizeof *mids), *mbegins = malloc((t->n + 1) * sizeof *mbegins);
    size_t k, nk = qr_gaz_keys(g), nmap, nm;
    CHECK(mids != NULL && mbegins != NULL);
    CHECK(qr_keys_build(&keys, text, t, qr_gaz_key_mode(g)) == QR_OK);
    qr_vocab_init(&v);
    for (k = 0; k < t->n && k < 4; k++) {
        size_t len;
        const char *s = qr_key_of(&keys, k, &len);
        uint32_t id;
        CHECK(qr_vocab_intern(&v, s, len, &id) == QR_OK);
    }
    vids = malloc((nk + 1) * sizeof *vids);
    CHECK(vids != NULL);
    for (k = 1; k <= nk; k++) {
        size_t len;
        const char *s = qr_gaz_key(g, (uint32_t)k, &len);
        CHECK(qr_vocab_intern(&v, s, len, &vids[k]) == QR_OK);
    }
    nmap = (size_t)v.count + 1;
    map = calloc(nmap, sizeof *map);
    CHECK(map != NULL);
    for (k = 1; k <= nk; k++) map[vids[k]] = qr_gaz_key_word(g, (uint32_t)k);
    for (k = 0; k < t->n; k++) {         /* the rest of the text's keys, past the map */
        size_t len;
        const char *s = qr_key_of(&keys, k, &len);
        uint32_t id;
        CHECK(qr_vocab_intern(&v, s, len, &id) == QR_OK);
    }
    free(vids);
    vids = malloc((t->n + 1) * sizeof *vids);
    CHECK(vids != NULL);
    qr_vocab_ids(&v, &keys, vids, 0);
    nm = qr_gaz_key_ids_mapped(g, t, text, &keys, vids, map, nmap, 0, t->n, mids, mbegins);
    CHECK(nm == nbegins);
    CHECK(nm == 0 || memcmp(mbegins, begins, nm * sizeof *begins) == 0);
    CHECK(t->n == 0 || memcmp(mids, ids, t->n * sizeof *ids) == 0);
    free(vids);
    free(map);
    free(mids);
    free(mbegins);
    qr_keys_free(&keys);
    qr_vocab_free(&v);
}

static void check_matches(qr_gaz *g, const qr_tokens *t, const char *text, const qr_keys *keys)
{
    qr_gaz_match a[8], b[8];
    uint32_t *ids = malloc((t->n + 1) * sizeof *ids), *begins = malloc((t->n + 1) * sizeof *begins);
    size_t i, k, nbegins, bi = 0;
    CHECK(ids != NULL && begins != NULL);
    nbegins = qr_gaz_key_ids(g, t, text, keys, 0, t->n, ids, begins);
    CHECK(nbegins <= t->n);
    for (i = 0; i < t->n; i++) {
        size_t limit = t->n, na, nb;
        int listed = bi < nbegins && begins[bi] == i;
        na = qr_gaz_match_at(g, t, text, keys, i, limit, a, 8);
        nb = qr_gaz_match_ids(g, ids, i, limit, b, 8);
        CHECK(na == nb);
        /* the tokens listed as able to begin a phrase: in order, and every one that does */
        if (listed) bi++;
        CHECK(listed || na == 0);
        for (k = 0; k < na && k < 8; k++) {
            CHECK(a[k].end == b[k].end && a[k].entry == b[k].entry);
            CHECK(a[k].end > i && a[k].end <= limit);
            CHECK(k == 0 || a[k].end <= a[k - 1].end);
            CHECK(a[k].entry >= 1 && a[k].entry <= qr_gaz_entries(g));
            CHECK(qr_gaz_entry(g, a[k].entry, NULL, NULL, NULL, NULL, NULL, NULL) == 1);
        }
        CHECK(qr_gaz_match_at(g, t, text, NULL, i, limit, a, 1) == na);   /* keys computed as it goes */
        CHECK(qr_gaz_match_at(g, t, text, keys, i, i, a, 1) == 0);        /* an empty range */
    }
    CHECK(bi == nbegins);
    check_mapped(g, t, text, ids, begins, nbegins);
    free(ids);
    free(begins);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qr_gaz *g;
    FILE *f;
    char err[512];
    size_t count = 0, round, i;
    int rc, format;
    const char *text, *type;
    size_t len;
    qr_tokopts o;
    qr_tokens t;
    qr_keys keys;
    unsigned mode;

    if (size < 1) return 0;
    mode = (data[0] & 3) % 3;
    format = data[0] & 4 ? QR_GAZ_LINES : QR_GAZ_TSV;
    type = data[0] & 8 ? "place" : NULL;
    f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(data + 1, 1, size - 1, f) == size - 1);
    CHECK(fclose(f) == 0);

    g = qr_gaz_new(mode);
    CHECK(g != NULL);
    for (round = 0; round < 2; round++) {
        err[0] = 'x';
        err[sizeof err - 1] = 'x';
        rc = qr_gaz_load_file(g, path, format, type, type ? strlen(type) : 0, &count, err, sizeof err);
        CHECK(rc == QR_OK || rc == QR_GAZ_ESYNTAX || rc == QR_GAZ_EIO || rc == QR_ENOMEM || rc == QR_ETOOBIG);
        if (rc != QR_OK) {
            CHECK(memchr(err, '\0', sizeof err) != NULL);
            CHECK(strncmp(err, path, strlen(path)) == 0);
            CHECK(qr_gaz_strerror(rc) != NULL);
        }
    }

    /* the text: after the first blank-blank line, or the whole file */
    text = (const char *)data + 1;
    len = size - 1;
    for (i = 0; i + 3 <= len; i++) {
        if (!memcmp(text + i, "\n\n\n", 3)) { text += i + 3; len -= i + 3; break; }
    }
    qr_tokopts_default(&o);
    CHECK(qr_tokenize(text, len, &o, &t) == QR_OK);
    if (qr_gaz_mode(g) == QR_GAZ_EXACT) {
        check_matches(g, &t, text, NULL);
    } else {
        CHECK(qr_keys_build(&keys, text, &t, qr_gaz_key_mode(g)) == QR_OK);
        check_matches(g, &t, text, &keys);
        qr_keys_free(&keys);
    }

    /* phrases from the text's lines, with fields split at tabs */
    for (i = 0; i < len;) {
        const char *line = text + i, *nl = memchr(line, '\n', len - i);
        size_t ll = nl ? (size_t)(nl - line) : len - i;
        const char *tab = memchr(line, '\t', ll);
        size_t pl = tab ? (size_t)(tab - line) : ll;
        const char *canon = tab ? tab + 1 : "";
        size_t cl = tab ? ll - pl - 1 : 0;
        uint32_t entry = 0;
        rc = qr_gaz_add(g, line, pl, canon, cl, "t", 1, cl && canon[0] == '{' ? canon : NULL,
                        cl && canon[0] == '{' ? cl : 0, &entry);
        CHECK(rc == QR_OK || rc == QR_GAZ_EEMPTY || rc == QR_GAZ_ELONG || rc == QR_GAZ_EATTRS);
        if (rc == QR_OK) CHECK(entry >= 1 && entry <= qr_gaz_entries(g));
        i += ll + 1;
    }
    if (qr_gaz_mode(g) != QR_GAZ_EXACT) {
        CHECK(qr_keys_build(&keys, text, &t, qr_gaz_key_mode(g)) == QR_OK);
        check_matches(g, &t, text, &keys);
        qr_keys_free(&keys);
    } else {
        check_matches(g, &t, text, NULL);
    }
    CHECK(qr_gaz_longest(g) <= QR_GAZ_MAX_TOKENS);
    CHECK(qr_gaz_memsize(g) > 0);
    qr_tokens_free(&t);
    qr_gaz_free(g);
    return 0;
}
