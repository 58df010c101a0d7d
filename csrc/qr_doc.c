/*
 * Per-document helpers of the document phases: see qr_doc.h.
 */
#include "qr_doc.h"

#include <string.h>

static int is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static int is_punct(unsigned char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}
static int is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Replaces each two-byte sequence a b by c, left to right, in place. */
static size_t replace2(char *s, size_t n, char a, char b, char c)
{
    size_t i = 0, o = 0;
    while (i < n) {
        if (i + 1 < n && s[i] == a && s[i + 1] == b) {
            s[o++] = c;
            i += 2;
        } else {
            s[o++] = s[i++];
        }
    }
    return o;
}

size_t qr_name_variant(const char *s, size_t len, char *out)
{
    size_t n = 0, i, o;
    /* [\xE2\x80\x99']s$: one of those bytes, then s, at the end */
    if (len >= 2 && s[len - 1] == 's') {
        unsigned char c = (unsigned char)s[len - 2];
        if (c == 0xE2 || c == 0x80 || c == 0x99 || c == '\'') len -= 2;
    }
    /* (w -> v here: kh and ph neither make nor take a w or a v) */
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c) || is_punct(c)) continue;
        out[n++] = c == 'y' ? 'i' : c == 'w' ? 'v' : (char)c;
    }
    /* (kh and ph only where an h follows a byte) */
    if (n > 1 && memchr(out + 1, 'h', n - 1) != NULL) {
        n = replace2(out, n, 'k', 'h', 'h');
        n = replace2(out, n, 'p', 'h', 'f');
    }
    /* (%a)%1 -> %1, left to right */
    i = 0, o = 0;
    while (i < n) {
        if (i + 1 < n && is_alpha((unsigned char)out[i]) && out[i + 1] == out[i]) {
            out[o++] = out[i];
            i += 2;
        } else {
            out[o++] = out[i++];
        }
    }
    return o;
}

/* Whether the n bytes at w are ASCII punctuation only (n > 0). */
static int punct_only(const char *w, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) if (!is_punct((unsigned char)w[i])) return 0;
    return n > 0;
}

/* Whether the word at w opens a name as a title does: at most five bytes,
 * the last a full stop, not capitals and full stops only. */
static int title_word(const char *w, size_t n)
{
    size_t i;
    if (n == 0 || n > 5 || w[n - 1] != '.') return 0;
    for (i = 0; i < n; i++) if (!((w[i] >= 'A' && w[i] <= 'Z') || w[i] == '.')) return 1;
    return 0;
}

/* The next run of bytes that are not spaces at or after *at: its start
 * into *start, its length returned (0 at the end); *at moves past it. */
static size_t next_run(const char *s, size_t len, size_t *at, size_t *start)
{
    size_t i = *at, j;
    while (i < len && is_space((unsigned char)s[i])) i++;
    j = i;
    while (j < len && !is_space((unsigned char)s[j])) j++;
    *start = i;
    *at = j;
    return j - i;
}

size_t qr_name_words(const char *s, size_t len, char *form, size_t *form_len, size_t *first, size_t *first_len,
                     size_t *last, size_t *last_len)
{
    size_t total = 0, kept = 0, k = 0, at = 0, start, n, o = 0;
    int dropping = 1;
    while ((n = next_run(s, len, &at, &start)) > 0) {
        if (!punct_only(s + start, n)) total++;
    }
    at = 0;
    while ((n = next_run(s, len, &at, &start)) > 0) {
        if (punct_only(s + start, n)) continue;
        k++;
        /* (a title goes while more than one word is left) */
        if (dropping && k < total && title_word(s + start, n)) continue;
        dropping = 0;
        if (kept++ == 0) {
            *first = start;
            *first_len = n;
        } else {
            form[o++] = ' ';
        }
        memcpy(form + o, s + start, n);
        o += n;
        *last = start;
        *last_len = n;
    }
    if (kept > 0) *form_len = o;
    return kept;
}

/* --- clusters of one person's mentions --------------------------------- */

/* Slots of the open-addressing tables: a power of two, at least 2n + 2
 * (half full at most: a probe ends at an empty slot). */
static size_t table_slots(size_t n)
{
    size_t cap = 4;
    while (cap < 2 * n + 2) cap *= 2;
    return cap;
}

size_t qr_name_clusters_scratch(size_t n)
{
    return 3 * table_slots(n) + 4 * n;
}

static size_t hash_bytes(const char *s, size_t len, size_t tag)
{
    size_t h = (size_t)2166136261u ^ (tag * (size_t)0x9E3779B9u), i;
    for (i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * (size_t)16777619u;
    return h;
}

static int same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* What the keys of the tables are read from: the mentions, the clusters,
 * each mention's cluster; and the work done (units: a slot probed, a
 * cluster tried), told to report every QR_NAME_WORK_TICK units or so. */
typedef struct name_ctx {
    const qr_name_mention *m;
    const qr_name_cluster *c;
    const size_t *cluster_of;
    size_t *work;               /* units since the last report */
    qr_name_report report;      /* NULL: none */
    void *ud;
} name_ctx;

/* Counts units of work, reporting them every QR_NAME_WORK_TICK or so
 * (report may not return). */
static void spend(const name_ctx *x, size_t units)
{
    *x->work += units;
    if (*x->work >= QR_NAME_WORK_TICK) {
        size_t done = *x->work;
        *x->work = 0;
        if (x->report) x->report(x->ud, done);
    }
}

/* Whether the entry (an index) of a table has the key s (of len bytes;
 * tag: the cluster, for forms). */
typedef int (*key_test)(const name_ctx *x, size_t entry, const char *s, size_t len, size_t tag);

/* The slot of the table (cap slots, each 0 or 1 + an entry) for the key
 * s: the one whose entry has it (is_key tells), else the empty slot where
 * it goes. */
static size_t find_slot(const size_t *table, size_t cap, const char *s, size_t len, size_t tag, key_test is_key,
                        const name_ctx *x)
{
    size_t at = hash_bytes(s, len, tag) & (cap - 1), probes = 1;
    while (table[at] != 0 && !is_key(x, table[at] - 1, s, len, tag)) {
        at = (at + 1) & (cap - 1);
        probes++;
    }
    spend(x, probes);
    return at;
}

/* (entries of the last-name and first-name tables: clusters, by the last
 * or first variant of a mention of theirs; of the forms table: mentions,
 * by their cluster and form) */
static int last_is(const name_ctx *x, size_t k, const char *s, size_t len, size_t tag)
{
    const qr_name_mention *w = &x->m[x->c[k].last];
    (void)tag;
    return same_bytes(w->last, w->last_len, s, len);
}

static int first_is(const name_ctx *x, size_t k, const char *s, size_t len, size_t tag)
{
    const qr_name_mention *w = &x->m[x->c[k].first];
    (void)tag;
    return same_bytes(w->first, w->first_len, s, len);
}

static int form_is(const name_ctx *x, size_t i, const char *s, size_t len, size_t tag)
{
    return x->cluster_of[i] == tag && same_bytes(x->m[i].form, x->m[i].form_len, s, len);
}

/* Whether first variants a and b name one person: the same, or one an
 * initial of the other (one byte, the other's first). */
static int first_names_meet(const char *a, size_t alen, const char *b, size_t blen)
{
    if (same_bytes(a, alen, b, blen)) return 1;
    return alen > 0 && blen > 0 && a[0] == b[0] && (alen == 1 || blen == 1);
}

/* The mentions m[i] of two words or more into clusters (the latest of
 * their last variant whose first name meets theirs, else a new one). ->
 * the number of clusters. */
static size_t cluster_full_names(const name_ctx *x, size_t n, size_t *cluster_of, qr_name_cluster *c,
                                 size_t *by_last, size_t cap, size_t *prev)
{
    const qr_name_mention *m = x->m;
    size_t i, nc = 0;
    for (i = 0; i < n; i++) {
        size_t slot, k, found = QR_NO_MENTION, tried = 0;
        if (m[i].nwords < 2) continue;
        slot = find_slot(by_last, cap, m[i].last, m[i].last_len, 0, last_is, x);
        for (k = by_last[slot]; k != 0; k = prev[k - 1]) {
            const qr_name_mention *f = &m[c[k - 1].first];
            tried++;
            if (first_names_meet(f->first, f->first_len, m[i].first, m[i].first_len)) {
                found = k - 1;
                break;
            }
        }
        spend(x, tried);
        if (found == QR_NO_MENTION) {
            found = nc++;
            c[found].first = c[found].last = i;
            c[found].canonical = QR_NO_MENTION;
            prev[found] = by_last[slot];
            by_last[slot] = found + 1;
        }
        cluster_of[i] = found;
    }
    return nc;
}

/* The one-word mentions into clusters: the latest of their last variant,
 * else the one cluster of the nfull full names' clusters with that first
 * variant, else a new one. -> the number of clusters. */
static size_t cluster_one_words(const name_ctx *x, size_t n, size_t *cluster_of, qr_name_cluster *c,
                                size_t nc, size_t *by_last, size_t *by_first, size_t cap, size_t *shared)
{
    const qr_name_mention *m = x->m;
    size_t i, k, nfull = nc;
    for (k = 0; k < nfull; k++) {
        size_t slot = find_slot(by_first, cap, m[c[k].first].first, m[c[k].first].first_len, 0, first_is, x);
        if (by_first[slot] == 0) by_first[slot] = k + 1; else shared[by_first[slot] - 1] = 1;
    }
    for (i = 0; i < n; i++) {
        size_t slot, fslot;
        if (m[i].nwords != 1) continue;
        slot = find_slot(by_last, cap, m[i].first, m[i].first_len, 0, last_is, x);
        if (by_last[slot] != 0) {
            cluster_of[i] = by_last[slot] - 1;
            continue;
        }
        fslot = find_slot(by_first, cap, m[i].first, m[i].first_len, 0, first_is, x);
        if (by_first[fslot] != 0 && !shared[by_first[fslot] - 1]) {
            cluster_of[i] = by_first[fslot] - 1;
            continue;
        }
        c[nc].first = QR_NO_MENTION;
        c[nc].last = i;
        c[nc].canonical = QR_NO_MENTION;
        by_last[slot] = nc + 1;
        cluster_of[i] = nc++;
    }
    return nc;
}

/* Each cluster's name: the form of its full names written most often (the
 * first written on a tie), else its first one-word name. */
static void name_clusters(const name_ctx *x, size_t n, const size_t *cluster_of, qr_name_cluster *c,
                          size_t *forms, size_t cap, size_t *count, size_t *best)
{
    const qr_name_mention *m = x->m;
    size_t i;
    for (i = 0; i < n; i++) {
        size_t slot, k = cluster_of[i];
        count[i] = 0;
        if (m[i].nwords < 2 || k == QR_NO_MENTION) continue;
        slot = find_slot(forms, cap, m[i].form, m[i].form_len, k, form_is, x);
        if (forms[slot] == 0) {
            forms[slot] = i + 1;
            count[i] = 1;
        } else {
            count[forms[slot] - 1]++;
        }
    }
    for (i = 0; i < n; i++) {
        size_t k = cluster_of[i];
        if (k == QR_NO_MENTION) continue;
        if (m[i].nwords > 1 && count[i] > best[k]) {
            best[k] = count[i];
            c[k].canonical = i;
        }
    }
    for (i = 0; i < n; i++) {
        size_t k = cluster_of[i];
        if (k != QR_NO_MENTION && m[i].nwords == 1 && c[k].canonical == QR_NO_MENTION) c[k].canonical = i;
    }
}

size_t qr_name_clusters(const qr_name_mention *m, size_t n, size_t *cluster_of, qr_name_cluster *clusters,
                        size_t *scratch, qr_name_report report, void *ud)
{
    size_t cap = table_slots(n), i, nc, work = 0;
    name_ctx x;
    size_t *by_last = scratch, *by_first = scratch + cap, *forms = scratch + 2 * cap;
    size_t *prev = scratch + 3 * cap, *shared = prev + n, *count = shared + n, *best = count + n;
    for (i = 0; i < 3 * cap; i++) scratch[i] = 0;
    for (i = 0; i < n; i++) {
        cluster_of[i] = QR_NO_MENTION;
        shared[i] = best[i] = 0;
    }
    x.m = m, x.c = clusters, x.cluster_of = cluster_of, x.work = &work, x.report = report, x.ud = ud;
    nc = cluster_full_names(&x, n, cluster_of, clusters, by_last, cap, prev);
    nc = cluster_one_words(&x, n, cluster_of, clusters, nc, by_last, by_first, cap, shared);
    name_clusters(&x, n, cluster_of, clusters, forms, cap, count, best);
    return nc;
}

/* --- persons a document shows to be organisations ----------------------- */

size_t qr_orgs_first_scratch(size_t n)
{
    return 3 * (table_slots(n) + 2 * n);
}

/* A table of byte keys, each a part of an entity's text: slot[cap] (0 or
 * 1 + the entity), the key of entity j at off[j], len[j] bytes. */
typedef struct text_table {
    size_t *slot, *off, *len, cap;
} text_table;

/* The slot of t for the key s (len bytes): the one that has it, else the
 * empty slot where it goes. */
static size_t text_slot(const text_table *t, const qr_entity_text *e, const char *s, size_t len, const name_ctx *x)
{
    size_t at = hash_bytes(s, len, 0) & (t->cap - 1), probes = 1;
    while (t->slot[at] != 0) {
        size_t j = t->slot[at] - 1;
        if (same_bytes(e[j].text + t->off[j], t->len[j], s, len)) break;
        at = (at + 1) & (t->cap - 1);
        probes++;
    }
    spend(x, probes);
    return at;
}

/* Adds the bytes [off, off + len) of entity j's text as a key, unless the
 * key is there already (the first entity of a key stays). */
static void text_add(text_table *t, const qr_entity_text *e, size_t j, size_t off, size_t len, const name_ctx *x)
{
    size_t at = text_slot(t, e, e[j].text + off, len, x);
    if (t->slot[at] == 0) {
        t->slot[at] = j + 1;
        t->off[j] = off, t->len[j] = len;
    }
}

/* The entity of key s (len bytes) in t, or QR_NO_MENTION. */
static size_t text_get(const text_table *t, const qr_entity_text *e, const char *s, size_t len, const name_ctx *x)
{
    size_t at = text_slot(t, e, s, len, x);
    return t->slot[at] == 0 ? QR_NO_MENTION : t->slot[at] - 1;
}

/* The offset of the last white space of s (len bytes), or len: none. */
static size_t last_space(const char *s, size_t len)
{
    size_t i = len;
    while (i > 0) {
        if (is_space((unsigned char)s[i - 1])) return i - 1;
        i--;
    }
    return len;
}

/* The tables over 3 * (cap + 2n) size_t of scratch, emptied. */
static void text_tables(text_table *t, size_t n, size_t cap, size_t *scratch)
{
    size_t k, i;
    for (k = 0; k < 3; k++) {
        t[k].slot = scratch, t[k].off = scratch + cap, t[k].len = scratch + cap + n, t[k].cap = cap;
        for (i = 0; i < cap; i++) scratch[i] = 0;
        scratch += cap + 2 * n;
    }
}

/* The one-word persons left that name an organisation by its first word,
 * unless a person's name of several words ends in it: as_org set. ->
 * how many. */
static size_t orgs_by_first_word(const qr_entity_text *e, size_t n, size_t *as_org, text_table *by_first,
                                 text_table *surnames, const name_ctx *x)
{
    size_t i, moved = 0;
    for (i = 0; i < n; i++) {
        size_t sp;
        if (e[i].kind != QR_ENTITY_PERSON || as_org[i] != QR_NO_MENTION) continue;
        sp = last_space(e[i].text, e[i].len);
        /* (%s(%S+)$: the bytes after the last white space, when some) */
        if (sp + 1 < e[i].len) text_add(surnames, e, i, sp + 1, e[i].len - sp - 1, x);
    }
    for (i = 0; i < n; i++) {
        size_t w = 0;
        if (e[i].kind != QR_ENTITY_ORG) continue;
        /* (^(%S+)%s: the bytes before the first white space, when some) */
        while (w < e[i].len && !is_space((unsigned char)e[i].text[w])) w++;
        if (w > 0 && w < e[i].len && !is_punct((unsigned char)e[i].text[w - 1])) text_add(by_first, e, i, 0, w, x);
    }
    for (i = 0; i < n; i++) {
        size_t j;
        if (e[i].kind != QR_ENTITY_PERSON || as_org[i] != QR_NO_MENTION || e[i].titled
            || last_space(e[i].text, e[i].len) < e[i].len)
            continue;
        j = text_get(by_first, e, e[i].text, e[i].len, x);
        if (j != QR_NO_MENTION && text_get(surnames, e, e[i].text, e[i].len, x) == QR_NO_MENTION) {
            as_org[i] = j;
            moved++;
        }
    }
    return moved;
}

size_t qr_orgs_first(const qr_entity_text *e, size_t n, size_t *as_org, size_t *scratch, qr_name_report report,
                     void *ud)
{
    size_t i, persons = 0, work = 0;
    int any_one_word = 0;
    text_table t[3];            /* organisations by text, by first word; surnames */
    name_ctx x;
    x.m = NULL, x.c = NULL, x.cluster_of = NULL, x.work = &work, x.report = report, x.ud = ud;
    text_tables(t, n, table_slots(n), scratch);
    for (i = 0; i < n; i++) {
        as_org[i] = QR_NO_MENTION;
        if (e[i].kind == QR_ENTITY_ORG) text_add(&t[0], e, i, 0, e[i].len, &x);
    }
    for (i = 0; i < n; i++) {
        size_t j;
        if (e[i].kind != QR_ENTITY_PERSON) continue;
        j = e[i].titled ? QR_NO_MENTION : text_get(&t[0], e, e[i].text, e[i].len, &x);
        if (j != QR_NO_MENTION) {
            as_org[i] = j;
        } else {
            persons++;
            if (last_space(e[i].text, e[i].len) == e[i].len) any_one_word = 1;
        }
    }
    if (!any_one_word) return persons;
    return persons - orgs_by_first_word(e, n, as_org, &t[1], &t[2], &x);
}
