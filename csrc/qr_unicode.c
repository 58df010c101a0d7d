/*
 * qr_unicode.c -- lookups over the generated Unicode tables.
 *
 * The tables are static to this file so that the generated data has a single
 * owner; callers go through the three functions in qr_unicode.h.
 */
#include "qr_unicode.h"

/* One record per distinct combination of properties; code points share
 * records, which is what keeps the tables small. The fold and strip fields are
 * deltas rather than code points for the same reason: "add 32" is one record
 * for a whole alphabet, a target code point would be one record per letter. */
struct qr_uni_record {
    uint8_t cls;     /* enum qr_uni_class */
    uint8_t flags;   /* QR_UNI_F_* */
    int32_t fold;    /* delta to the folded code point, or a qr_uni_fold_seq index */
    int32_t strip;   /* delta to the base code point */
};

/* Must match tools/gen_unicode.lua. */
enum {
    QR_UNI_F_FOLD_SEQ = 1,   /* fold is an index into qr_uni_fold_seq */
    QR_UNI_F_STRIP_DROP = 2  /* strip removes the code point */
};

#define QR_UNI_MAX_CP 0x10FFFFu
#define QR_UNI_BLOCK_SHIFT 7   /* BLOCK_SHIFT in tools/gen_unicode.lua */
#define QR_UNI_BLOCK_MASK ((1u << QR_UNI_BLOCK_SHIFT) - 1u)

#include "qr_unidata.h"

/* Fail the build, rather than read out of bounds, if the generated data was
 * produced with a different block size than the one assumed here. */
typedef char qr_uni_check_stage1[
    sizeof qr_uni_stage1 / sizeof qr_uni_stage1[0]
        == ((QR_UNI_MAX_CP + 1u) >> QR_UNI_BLOCK_SHIFT) ? 1 : -1];
typedef char qr_uni_check_stage2[
    sizeof qr_uni_stage2 / sizeof qr_uni_stage2[0] % (1u << QR_UNI_BLOCK_SHIFT) == 0 ? 1 : -1];

static const struct qr_uni_record *qr_uni_lookup(uint32_t cp)
{
    /* U+10FFFF is a noncharacter, so it is permanently unassigned: OTHER,
     * no folding, no stripping. That is the right answer for out-of-range
     * input too, and clamping avoids a second bounds check. */
    if (cp > QR_UNI_MAX_CP)
        cp = QR_UNI_MAX_CP;
    return &qr_uni_records[qr_uni_stage2[
        ((uint32_t)qr_uni_stage1[cp >> QR_UNI_BLOCK_SHIFT] << QR_UNI_BLOCK_SHIFT)
        | (cp & QR_UNI_BLOCK_MASK)]];
}

unsigned qr_uni_class(uint32_t cp)
{
    return qr_uni_lookup(cp)->cls;
}

size_t qr_uni_fold(uint32_t cp, uint32_t out[3])
{
    const struct qr_uni_record *r = qr_uni_lookup(cp);

    if (r->flags & QR_UNI_F_FOLD_SEQ) {
        const uint32_t *seq = qr_uni_fold_seq[r->fold];
        size_t n = 0;
        /* Sequences are zero padded; U+0000 never occurs inside a fold. */
        while (n < 3 && seq[n] != 0) {
            out[n] = seq[n];
            n++;
        }
        return n;
    }
    /* Out-of-range cp maps to a record with delta 0, so it is returned
     * unchanged. */
    out[0] = cp + (uint32_t)r->fold;   /* modular, so negative deltas work */
    return 1;
}

size_t qr_uni_strip(uint32_t cp, uint32_t out[1])
{
    const struct qr_uni_record *r = qr_uni_lookup(cp);

    if (r->flags & QR_UNI_F_STRIP_DROP)
        return 0;
    out[0] = cp + (uint32_t)r->strip;
    return 1;
}
