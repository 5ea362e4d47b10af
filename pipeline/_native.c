/*
 * Loops in C, loaded with ctypes by pipeline/native.py (plain C, no Python API):
 *
 * - the PDF reader's PDFium calls once per character, word or line (char_boxes, text_looks,
 *   char_styles) and the word model of read/words.py (word_spans);
 * - the competency classifier's n-gram hashing, TF-IDF product and logistic step
 *   (hashed_columns, tfidf_product, expit; skills/fastpath.py);
 * - the near-duplicate signature: shingles, their blake2b hashes and MinHash minima
 *   (shingle_minhash; understand/applicants.py).
 *
 * Each has a Python twin that runs without this library and gives the same results.
 *
 * PDFium loops. From Python each PDFium call through ctypes costs
 * about 0.3-0.5 us, more than the work PDFium does for a character's box. These loops make
 * the calls the Python fallback in pdf_pdfium.py makes, with the same arguments (read-only
 * getters: their order does not matter), and store what it stores. No PDFium header and no
 * link to PDFium: the caller passes the addresses of the functions pypdfium2 has loaded, so
 * only the copy of PDFium the rest of the process uses is ever called.
 *
 * Word model (word_spans): words.spans() step by step, in doubles, with numpy's rules where
 * they matter for a comparison (NaN sorts last and propagates through minimum/maximum, the
 * median of an even count is the mean of the middle two, rounding is half to even,
 * float-to-integer casts of infinities as numpy's on this machine). Only comparisons reach
 * the output (word boundaries), and the sums compared are formed in the same order.
 *
 * The results are the same bit for bit: tests/test_native.py compares every function with
 * its twin (generated PDFs, random pages with NaN and infinite boxes, random text in many
 * scripts). Bump NATIVE_VERSION when a signature or a result changes; a library of another
 * version is not used. Compile with -ffp-contract=off: numpy rounds every operation, so a
 * fused multiply-add would change results.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define NATIVE_VERSION 9

/* FPDFText_GetLooseCharBox(text_page, index, FS_RECTF *rect) */
typedef int (*loose_char_box_fn)(void *, int, float *);
/* FPDFText_GetFillColor(text_page, index, unsigned *r, *g, *b, *a) */
typedef int (*fill_color_fn)(void *, int, unsigned int *, unsigned int *, unsigned int *,
                             unsigned int *);
/* FPDFText_GetTextObject(text_page, index) */
typedef void *(*text_object_fn)(void *, int);
/* FPDFTextObj_GetTextRenderMode(text_object) */
typedef int (*render_mode_fn)(void *);

int native_version(void) { return NATIVE_VERSION; }

/*
 * The loose box (left, top, right, bottom) of each character indices[k], written to
 * boxes[4 * indices[k]] and the three floats after it. The caller sizes `boxes` for every
 * character of the page and passes indices below the page's character count.
 */
void char_boxes(loose_char_box_fn get_box, void *text_page, const int64_t *indices,
                int64_t n, float *boxes) {
    for (int64_t k = 0; k < n; k++) {
        int64_t i = indices[k];
        get_box(text_page, (int)i, boxes + 4 * i);
    }
}

/*
 * For each character chars[k]: its fill colour into rgba[4k .. 4k+3] and whether PDFium
 * had one (filled[k]); then the render mode of its text object (modes[k], -1 when PDFium
 * cannot tell, as for a character without a text object).
 */
void text_looks(fill_color_fn get_fill, text_object_fn get_object, render_mode_fn get_mode,
                void *text_page, const int64_t *chars, int64_t n, uint32_t *rgba,
                uint8_t *filled, int64_t *modes) {
    for (int64_t k = 0; k < n; k++) {
        uint32_t *c = rgba + 4 * k;
        filled[k] = get_fill(text_page, (int)chars[k], c, c + 1, c + 2, c + 3) != 0;
    }
    for (int64_t k = 0; k < n; k++) {
        modes[k] = get_mode(get_object(text_page, (int)chars[k]));
    }
}

/* FPDFText_GetFontSize(text_page, index) */
typedef double (*font_size_fn)(void *, int);
/* FPDFText_GetMatrix(text_page, index, FS_MATRIX *matrix): a, b, c, d, e, f as floats */
typedef int (*matrix_fn)(void *, int, float *);
/* FPDFTextObj_GetFont(text_object) */
typedef void *(*font_fn)(void *);

/*
 * What pdf_pdfium._style reads of each character chars[k]: its font size (sizes[k]), whether
 * PDFium gave its matrix (has_matrix[k]) and the matrix's a, b, c, d (matrices[4k ..]), and
 * the font of its text object (fonts[k], 0 without a text object or font).
 */
void char_styles(font_size_fn get_size, matrix_fn get_matrix, text_object_fn get_object,
                 font_fn get_font, void *text_page, const int64_t *chars, int64_t n,
                 double *sizes, uint8_t *has_matrix, float *matrices, uint64_t *fonts) {
    for (int64_t k = 0; k < n; k++) {
        int i = (int)chars[k];
        float m[6] = {0, 0, 0, 0, 0, 0};
        sizes[k] = get_size(text_page, i);
        has_matrix[k] = get_matrix(text_page, i, m) != 0;
        for (int j = 0; j < 4; j++) matrices[4 * k + j] = m[j];
        void *object = get_object(text_page, i);
        fonts[k] = object ? (uint64_t)(uintptr_t)get_font(object) : 0;
    }
}

/* ---- word model (words.py) ---------------------------------------------------------- */

static int is_nan(double v) { return v != v; }

/* numpy's np.minimum / np.maximum: a NaN on either side gives NaN. */
static double np_minimum(double a, double b) { return (a < b || is_nan(a)) ? a : b; }
static double np_maximum(double a, double b) { return (a > b || is_nan(a)) ? a : b; }

/* numpy's sort order of doubles: NaN after every number. */
static int before(double a, double b) { return !is_nan(a) && (is_nan(b) || a < b); }

/* np.round of a value that is not negative (or NaN): half to even, as the default rounding
 * mode rounds a sum (libm's nearbyint does the same, ten times slower: it saves and restores
 * the floating-point environment). At 2^52 and above every double is an integer already. */
static double round_even(double v) { return v < 0x1p52 ? (v + 0x1p52) - 0x1p52 : v; }

/* numpy's float64 -> int64 cast (astype) of a rounded value. */
static int64_t to_int64(double v) {
#if defined(__x86_64__) || defined(_M_X64)
    /* cvttsd2si: NaN and out-of-range values give INT64_MIN. */
    if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return INT64_MIN;
#endif
    return (int64_t)v;
}

/* Sorting: an introsort (quicksort, heapsort past a depth limit, insertion sort for short
 * runs), so that no page, however built, sorts in quadratic time. BEFORE(a, b) orders. */
#define DEFINE_SORT(NAME, T, BEFORE)                                                      \
    static void NAME##_sift(T *v, int64_t start, int64_t end) {                           \
        int64_t root = start;                                                             \
        while (2 * root + 1 < end) {                                                      \
            int64_t child = 2 * root + 1;                                                 \
            if (child + 1 < end && BEFORE(v[child], v[child + 1])) child++;               \
            if (!BEFORE(v[root], v[child])) return;                                       \
            T t = v[root]; v[root] = v[child]; v[child] = t;                              \
            root = child;                                                                 \
        }                                                                                 \
    }                                                                                     \
    static void NAME##_heap(T *v, int64_t n) {                                            \
        for (int64_t s = n / 2 - 1; s >= 0; s--) NAME##_sift(v, s, n);                    \
        for (int64_t e = n - 1; e > 0; e--) {                                             \
            T t = v[0]; v[0] = v[e]; v[e] = t;                                            \
            NAME##_sift(v, 0, e);                                                         \
        }                                                                                 \
    }                                                                                     \
    static void NAME##_intro(T *v, int64_t n, int depth) {                                \
        while (n > 16) {                                                                  \
            if (depth-- == 0) { NAME##_heap(v, n); return; }                              \
            int64_t mid = n / 2;                                                          \
            if (BEFORE(v[mid], v[0])) { T t = v[0]; v[0] = v[mid]; v[mid] = t; }          \
            if (BEFORE(v[n - 1], v[0])) { T t = v[0]; v[0] = v[n - 1]; v[n - 1] = t; }    \
            if (BEFORE(v[n - 1], v[mid])) { T t = v[mid]; v[mid] = v[n - 1]; v[n - 1] = t; } \
            T pivot = v[mid];                                                             \
            int64_t i = 0, j = n - 1;                                                     \
            for (;;) {                                                                    \
                while (BEFORE(v[i], pivot)) i++;                                          \
                while (BEFORE(pivot, v[j])) j--;                                          \
                if (i >= j) break;                                                        \
                T t = v[i]; v[i] = v[j]; v[j] = t;                                        \
                i++; j--;                                                                 \
            }                                                                             \
            NAME##_intro(v + j + 1, n - j - 1, depth);                                    \
            n = j + 1;                                                                    \
        }                                                                                 \
        for (int64_t i = 1; i < n; i++) {                                                 \
            T t = v[i];                                                                   \
            int64_t k = i;                                                                \
            while (k > 0 && BEFORE(t, v[k - 1])) { v[k] = v[k - 1]; k--; }                \
            v[k] = t;                                                                     \
        }                                                                                 \
    }                                                                                     \
    static void NAME(T *v, int64_t n) {                                                   \
        int depth = 2;                                                                    \
        for (int64_t m = n; m > 1; m >>= 1) depth += 2;                                   \
        NAME##_intro(v, n, depth);                                                        \
    }

DEFINE_SORT(sort_doubles, double, before)

/* The k-th smallest of n values without NaN (v is reordered): quickselect, or a sort when it
 * partitions badly (no page, however built, takes quadratic time). */
static double select_kth(double *v, int64_t n, int64_t k) {
    int64_t lo = 0, hi = n - 1, rounds = 0, limit = 64;
    while (hi > lo) {
        if (++rounds > limit) {
            sort_doubles(v + lo, hi - lo + 1);
            return v[k];
        }
        int64_t mid = lo + (hi - lo) / 2;
        double a = v[lo], b = v[mid], c = v[hi];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (pivot < v[j]) j--;
            if (i <= j) {
                double t = v[i]; v[i] = v[j]; v[j] = t;
                i++; j--;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else return v[k];
    }
    return v[k];
}

/* Moves the numbers of v to its front; returns how many there are (the rest are NaN). */
static int64_t numbers_first(double *v, int64_t n) {
    int64_t c = 0;
    for (int64_t i = 0; i < n; i++)
        if (!is_nan(v[i])) v[c++] = v[i];
    return c;
}

/* np.median of n > 0 values (v is reordered): NaN when any is NaN. */
static double median(double *v, int64_t n) {
    if (numbers_first(v, n) < n) return NAN;
    int64_t k = n / 2;
    double upper = select_kth(v, n, k);
    if (n % 2) return upper;
    double lower = v[0];
    for (int64_t i = 1; i < k; i++)
        if (v[i] > lower) lower = v[i];
    return (lower + upper) / 2.0;
}

/* The k-th smallest of n values in numpy's order (NaN last); v is reordered. */
static double kth_nan_last(double *v, int64_t n, int64_t k) {
    int64_t c = numbers_first(v, n);
    return k < c ? select_kth(v, c, k) : NAN;
}

/* Dense ids 0, 1, ... for the distinct keys (in order of first appearance), by open
 * addressing in a table of `capacity` (a power of two above the count) slots; returns the
 * number of distinct keys. */
static int64_t dense_ids(const int64_t *keys, int64_t m, int64_t *table_keys,
                         int64_t *table_ids, int64_t capacity, int64_t *ids) {
    int64_t distinct = 0;
    for (int64_t s = 0; s < capacity; s++) table_ids[s] = -1;
    for (int64_t i = 0; i < m; i++) {
        uint64_t h = ((uint64_t)keys[i] * 0x9E3779B97F4A7C15ull) >> 17;
        int64_t s = (int64_t)(h & (uint64_t)(capacity - 1));
        while (table_ids[s] >= 0 && table_keys[s] != keys[i]) s = (s + 1) & (capacity - 1);
        if (table_ids[s] < 0) {
            table_keys[s] = keys[i];
            table_ids[s] = distinct++;
        }
        ids[i] = table_ids[s];
    }
    return distinct;
}

enum { SPLIT_EM, JOIN_EM, BASE_QUANTILE, MIN_SAMPLES, BASE_CAP_EM, SAME_LINE_EM, PARAMS };

/*
 * words.spans(): the [start, end) character spans of a page's words, written to out[2k],
 * out[2k + 1]; returns the number of words, or -1 when memory runs out or a threshold is
 * out of range (the caller then runs the Python model, which raises for the latter).
 * `params` holds words.py's thresholds in the enum's order.
 */
int64_t word_spans(int64_t n, const uint32_t *codes, const double *x0, const double *x1,
                   const double *top, const double *bottom, const uint8_t *blank,
                   const uint8_t *line_end, const uint8_t *rotated, const double *params,
                   int64_t *out) {
    if (n <= 0) return 0;
    int64_t m = n - 1; /* pairs (i, i + 1) */
    int64_t slots = 2;
    while (slots < 2 * m) slots <<= 1;
    int64_t pairs = m > 0 ? m : 1;
    double *em = malloc(sizeof(double) * n);
    double *base = malloc(sizeof(double) * pairs);
    double *gap = malloc(sizeof(double) * pairs);
    double *work = malloc(sizeof(double) * pairs);
    uint8_t *flags = malloc(pairs); /* bit 0: both ink, bit 1: same line, bit 2: split */
    int64_t *keys = malloc(sizeof(int64_t) * pairs);
    int64_t *ids = malloc(sizeof(int64_t) * pairs);
    int64_t *table_keys = malloc(sizeof(int64_t) * slots);
    int64_t *table_ids = malloc(sizeof(int64_t) * slots);
    int64_t *starts = malloc(sizeof(int64_t) * (pairs + 1));
    double *usual = malloc(sizeof(double) * pairs);
    int64_t count = -1;
    if (!em || !base || !gap || !work || !flags || !keys || !ids || !table_keys || !table_ids ||
        !starts || !usual)
        goto done;

    for (int64_t i = 0; i < n; i++) {
        double e = bottom[i] - top[i];
        em[i] = e > 0.5 ? e : 0.5;
    }
    int64_t inside_count = 0;
    for (int64_t i = 0; i < m; i++) {
        double prev_em = em[i];
        int both = !blank[i] && !blank[i + 1] && rotated[i] == rotated[i + 1];
        double dy = fabs(bottom[i + 1] - bottom[i]);
        int forward = x0[i + 1] >= x0[i] - 0.3 * prev_em;
        int same_line = !rotated[i] && dy < params[SAME_LINE_EM] * prev_em && forward;
        gap[i] = (x0[i + 1] - x1[i]) / prev_em;
        flags[i] = (uint8_t)(both | (same_line << 1));
        inside_count += both && same_line;
    }

    /* Usual gap after each glyph (words._usual_gaps): per glyph key, the BASE_QUANTILE
     * quantile of its kept gaps, or the page's typical gap. */
    if (inside_count == 0) {
        for (int64_t i = 0; i < m; i++) base[i] = 0.0;
    } else {
        int64_t k = 0;
        for (int64_t i = 0; i < m; i++)
            if (flags[i] == 3) work[k++] = gap[i];
        double typical = median(work, k);
        double cap = typical + params[BASE_CAP_EM];
        for (int64_t i = 0; i < m; i++) {
            int64_t size = to_int64(round_even(em[i] * 4));
            if (size > 4095) size = 4095;
            keys[i] = (int64_t)codes[i] * 4096 + size;
        }
        int64_t glyphs = dense_ids(keys, m, table_keys, table_ids, slots, ids);
        /* The kept gaps, grouped by glyph: starts[g] .. starts[g + 1] in work. */
        for (int64_t g = 0; g <= glyphs; g++) starts[g] = 0;
        for (int64_t i = 0; i < m; i++)
            if (flags[i] == 3 && gap[i] <= cap) starts[ids[i] + 1]++;
        for (int64_t g = 0; g < glyphs; g++) starts[g + 1] += starts[g];
        for (int64_t g = 0; g < glyphs; g++) keys[g] = starts[g]; /* fill positions */
        for (int64_t i = 0; i < m; i++)
            if (flags[i] == 3 && gap[i] <= cap) work[keys[ids[i]]++] = gap[i];
        for (int64_t g = 0; g < glyphs; g++) {
            int64_t kept = starts[g + 1] - starts[g];
            usual[g] = typical;
            if (kept >= (int64_t)params[MIN_SAMPLES]) {
                int64_t pick = to_int64(round_even(params[BASE_QUANTILE] * (double)(kept - 1)));
                if (pick < 0 || pick >= kept) { /* thresholds out of range: numpy raises */
                    count = -1;
                    goto done;
                }
                usual[g] = select_kth(work + starts[g], kept, pick);
            }
        }
        for (int64_t i = 0; i < m; i++) base[i] = usual[ids[i]];
    }

    /* Letter-spacing of each line (words._tracking), then the split decision. */
    for (int64_t s = 0; s < m;) {
        /* A line runs until a pair whose second character is a line break, or a pair of
         * two ink characters that is not inside a word's line. */
        int64_t e = s + 1;
        while (e < m) {
            uint32_t next = codes[e + 1];
            int both_ink = !blank[e] && !blank[e + 1];
            if (next == 0x0A || next == 0x0D || (both_ink && flags[e] != 3)) break;
            e++;
        }
        int64_t k = 0;
        for (int64_t i = s; i < e; i++)
            if (flags[i] == 3) work[k++] = gap[i] - base[i];
        double tracking = k >= 3 ? np_maximum(kth_nan_last(work, k, (k - 1) / 2), 0.0) : 0.0;
        for (int64_t i = s; i < e; i++) {
            int both = flags[i] & 1, same_line = (flags[i] >> 1) & 1;
            double excess = gap[i] - base[i];
            int split = !both || line_end[i];
            if (both && !rotated[i] && (!same_line || excess > tracking + params[SPLIT_EM]))
                split = 1;
            if (both && rotated[i]) { /* words._same_strip */
                double across = np_minimum(x1[i + 1], x1[i]) - np_maximum(x0[i + 1], x0[i]);
                double along = np_maximum(top[i + 1] - bottom[i], top[i] - bottom[i + 1]);
                double width = x1[i] - x0[i];
                if (!(across > 0.5 * width && along < 0.5 * width)) split = 1;
            }
            if (split) flags[i] |= 4;
        }
        s = e;
    }

    /* Words: runs of ink between boundaries. */
    count = 0;
    for (int64_t i = 0; i < n; i++) {
        if (blank[i]) continue;
        int boundary_before = i == 0 || (flags[i - 1] & 4);
        int boundary_after = i == n - 1 || (flags[i] & 4);
        if (boundary_before) out[2 * count] = i;
        if (boundary_after) out[2 * count++ + 1] = i + 1;
    }

    /* Two words around one space that takes no room are one (words._join_tight_spaces). */
    if (count >= 2) {
        int64_t kept = 0;
        for (int64_t w = 0; w < count; w++) {
            int join = 0;
            if (w > 0) {
                int64_t a = out[2 * (w - 1) + 1] - 1, b = out[2 * w];
                int64_t after = a + 1 < n - 1 ? a + 1 : n - 1;
                if (b - a == 2 && codes[after] == 0x20) {
                    double e = em[a];
                    double g = (x0[b] - x1[a]) / e;
                    int level = fabs(bottom[b] - bottom[a]) < params[SAME_LINE_EM] * e;
                    int upright = !rotated[a] && !rotated[b] && !line_end[a];
                    join = level && upright && g <= base[a] + params[JOIN_EM] && g > -0.3;
                }
            }
            if (join) {
                out[2 * (kept - 1) + 1] = out[2 * w + 1];
            } else {
                out[2 * kept] = out[2 * w];
                out[2 * kept + 1] = out[2 * w + 1];
                kept++;
            }
        }
        count = kept;
    }

done:
    free(em);
    free(base);
    free(gap);
    free(work);
    free(flags);
    free(keys);
    free(ids);
    free(table_keys);
    free(table_ids);
    free(starts);
    free(usual);
    return count;
}

/* ---- competency classifier (skills/fastpath.py) --------------------------------------- */

/* Sorts n columns (not negative) by bytes, least significant first: no comparisons, so no
 * mispredicted branches, which cost a comparison sort most of its time on a unit's ~300
 * hashed columns. `spare` holds n values. */
static void sort_columns(int64_t *v, int64_t *spare, int64_t n) {
    int64_t largest = 0;
    for (int64_t i = 0; i < n; i++)
        if (v[i] > largest) largest = v[i];
    int64_t *from = v, *to = spare;
    for (int shift = 0; shift < 64 && (largest >> shift) > 0; shift += 8) {
        int64_t place[257] = {0};
        for (int64_t i = 0; i < n; i++) place[((from[i] >> shift) & 255) + 1]++;
        for (int b = 0; b < 256; b++) place[b + 1] += place[b];
        for (int64_t i = 0; i < n; i++) to[place[(from[i] >> shift) & 255]++] = from[i];
        int64_t *t = from;
        from = to;
        to = t;
    }
    if (from != v)
        for (int64_t i = 0; i < n; i++) v[i] = from[i];
}

/*
 * One hashed TF-IDF part's share of each unit's decision values, added into sums (rows x
 * width, row-major), as fastpath._Part.transform and FastLinear._scipy_product compute it:
 * per row, the n-gram columns columns[starts[r] .. starts[r + 1]] counted (columns in
 * ascending order), each value (log(count) + 1) * idf[column] with log(count) read from
 * `logs` (numpy's log of 0, 1, ... so the same function computes it), the row divided by
 * its l2 norm (squares summed one after another in column order; a zero norm is 1), then
 * each value times its column's weights added to the row's sums in column order (scipy's
 * csr_matvecs). Returns 0, or -1 when memory runs out (nothing is added then).
 */
#define AHEAD 16 /* weights rows asked for this many columns ahead */

int64_t tfidf_product(int64_t rows, const int64_t *starts, const int64_t *columns,
                      const double *logs, const double *idf, const double *weights,
                      int64_t width, double *sums) {
    int64_t longest = 1;
    for (int64_t r = 0; r < rows; r++)
        if (starts[r + 1] - starts[r] > longest) longest = starts[r + 1] - starts[r];
    int64_t *sorted = malloc(sizeof(int64_t) * longest);
    int64_t *distinct = malloc(sizeof(int64_t) * longest); /* also the sort's spare */
    double *values = malloc(sizeof(double) * longest);
    if (!sorted || !distinct || !values) {
        free(sorted);
        free(distinct);
        free(values);
        return -1;
    }
    for (int64_t r = 0; r < rows; r++) {
        int64_t n = starts[r + 1] - starts[r];
        for (int64_t i = 0; i < n; i++) sorted[i] = columns[starts[r] + i];
        sort_columns(sorted, distinct, n);
        /* The columns' idf and weights lie anywhere in megabytes of memory: ask for them
         * ahead of use, so the loads overlap instead of waiting one after another. The idf
         * of the whole row first (8 bytes each); a weights row (width doubles, two cache
         * lines when width is 10) 16 columns before its turn, both of its lines: asked all
         * at once, most of a row's requests found the memory system full and were lost
         * (0.36 ms per resume less with cold caches, measured on 200 livecareer resumes). */
        for (int64_t i = 0; i < n; i++) __builtin_prefetch(idf + sorted[i]);
        int64_t k = 0;
        double squares = 0.0;
        for (int64_t i = 0; i < n;) {
            int64_t j = i;
            while (j < n && sorted[j] == sorted[i]) j++;
            double v = (logs[j - i] + 1.0) * idf[sorted[i]];
            squares += v * v;
            distinct[k] = sorted[i];
            values[k++] = v;
            i = j;
        }
        double norm = sqrt(squares);
        if (norm == 0.0) norm = 1.0;
        double *y = sums + r * width;
        for (int64_t i = 0; i < k && i < AHEAD; i++) {
            __builtin_prefetch(weights + distinct[i] * width);
            __builtin_prefetch(weights + distinct[i] * width + width - 1);
        }
        for (int64_t i = 0; i < k; i++) {
            if (i + AHEAD < k) {
                __builtin_prefetch(weights + distinct[i + AHEAD] * width);
                __builtin_prefetch(weights + distinct[i + AHEAD] * width + width - 1);
            }
            double a = values[i] / norm;
            const double *x = weights + distinct[i] * width;
            if (width == 10) /* the competencies of the model: a loop the compiler unrolls */
                for (int64_t c = 0; c < 10; c++) y[c] += a * x[c];
            else
                for (int64_t c = 0; c < width; c++) y[c] += a * x[c];
        }
    }
    free(sorted);
    free(distinct);
    free(values);
    return 0;
}

/* MurmurHash3, x86 32-bit variant, seed 0: the hash scikit-learn's HashingVectorizer (and the
 * mmh3 package) gives the UTF-8 bytes of an n-gram. */
static uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static int32_t murmur3_32(const uint8_t *data, int64_t len) {
    const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
    uint32_t h = 0;
    int64_t blocks = len / 4;
    for (int64_t i = 0; i < blocks; i++) {
        const uint8_t *p = data + 4 * i;
        uint32_t k = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24;
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5 + 0xe6546b64u;
    }
    const uint8_t *tail = data + 4 * blocks;
    uint32_t k = 0;
    switch (len & 3) {
    case 3: k ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2: k ^= (uint32_t)tail[1] << 8;  /* fall through */
    case 1:
        k ^= tail[0];
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
    }
    h ^= (uint32_t)len;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return (int32_t)h;
}

/* UTF-8 of code points [from, to) (none a surrogate: the caller checked) into out; returns
 * the number of bytes. */
static int64_t utf8(const uint32_t *codes, int64_t from, int64_t to, uint8_t *out) {
    int64_t n = 0;
    for (int64_t i = from; i < to; i++) {
        uint32_t c = codes[i];
        if (c < 0x80) {
            out[n++] = (uint8_t)c;
        } else if (c < 0x800) {
            out[n++] = (uint8_t)(0xC0 | (c >> 6));
            out[n++] = (uint8_t)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out[n++] = (uint8_t)(0xE0 | (c >> 12));
            out[n++] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
            out[n++] = (uint8_t)(0x80 | (c & 0x3F));
        } else {
            out[n++] = (uint8_t)(0xF0 | (c >> 18));
            out[n++] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
            out[n++] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
            out[n++] = (uint8_t)(0x80 | (c & 0x3F));
        }
    }
    return n;
}

/* HashingVectorizer's column of an n-gram: |signed hash| mod n_features. */
static int64_t column_of(const uint32_t *codes, int64_t from, int64_t to, uint8_t *bytes,
                         int64_t n_features) {
    int64_t h = murmur3_32(bytes, utf8(codes, from, to, bytes));
    return (h < 0 ? -h : h) % n_features;
}

/*
 * The hashed n-gram columns of each unit, as fastpath._Part.columns gives them (in another
 * order within a unit, which the counts do not see). `codes` holds the units' code points
 * (already lowercased by the caller) one after another, unit r at [starts[r], starts[r + 1]).
 * `kinds` classifies code points below `table`: bit 0 whitespace (str.split), bit 1 a word
 * character (the regex \w). analyzer 0: char_wb n-grams of each whitespace-separated word
 * padded with a space on each side; analyzer 1: word n-grams of the tokens of
 * (?u)\b\w\w+\b (maximal runs of two or more word characters) joined by one space.
 * Writes up to `capacity` columns to out and each unit's count to lengths. Returns the
 * number of columns; -2 when a code point lies at or above `table` or is a surrogate (the
 * caller then uses the Python path), -3 when `capacity` is too small, -1 without memory.
 */
int64_t hashed_columns(const uint32_t *codes, const int64_t *starts, int64_t rows, int64_t analyzer,
                       int64_t min_n, int64_t max_n, int64_t n_features, const uint8_t *kinds,
                       int64_t table, int64_t *out, int64_t capacity, int64_t *lengths) {
    int64_t total = starts[rows] - starts[0];
    for (int64_t i = starts[0]; i < starts[rows]; i++)
        if (codes[i] >= (uint32_t)table || (codes[i] >= 0xD800 && codes[i] <= 0xDFFF)) return -2;
    /* Scratch: a padded word or a run of tokens, as code points and as UTF-8. */
    int64_t longest = total + 2 * max_n + 2;
    uint32_t *padded = malloc(sizeof(uint32_t) * longest);
    uint8_t *bytes = malloc(4 * longest + 8);
    int64_t *token_from = malloc(sizeof(int64_t) * (total + 1));
    int64_t *token_to = malloc(sizeof(int64_t) * (total + 1));
    int64_t count = 0;
    if (!padded || !bytes || !token_from || !token_to) {
        count = -1;
        goto done;
    }
    for (int64_t r = 0; r < rows; r++) {
        int64_t before = count;
        int64_t a = starts[r], b = starts[r + 1];
        if (analyzer == 0) {
            for (int64_t i = a; i < b;) {
                while (i < b && (kinds[codes[i]] & 1)) i++;
                if (i >= b) break;
                int64_t j = i;
                while (j < b && !(kinds[codes[j]] & 1)) j++;
                int64_t len = j - i + 2; /* " word " */
                padded[0] = ' ';
                for (int64_t t = i; t < j; t++) padded[t - i + 1] = codes[t];
                padded[len - 1] = ' ';
                for (int64_t n = min_n; n <= max_n; n++) {
                    if (len <= n) { /* a short word is one n-gram, counted once */
                        if (count >= capacity) { count = -3; goto done; }
                        out[count++] = column_of(padded, 0, len, bytes, n_features);
                        break;
                    }
                    for (int64_t s = 0; s + n <= len; s++) {
                        if (count >= capacity) { count = -3; goto done; }
                        out[count++] = column_of(padded, s, s + n, bytes, n_features);
                    }
                }
                i = j;
            }
        } else {
            int64_t tokens = 0;
            for (int64_t i = a; i < b;) {
                while (i < b && !(kinds[codes[i]] & 2)) i++;
                int64_t j = i;
                while (j < b && (kinds[codes[j]] & 2)) j++;
                if (j - i >= 2) {
                    token_from[tokens] = i;
                    token_to[tokens++] = j;
                }
                i = j;
            }
            for (int64_t n = min_n; n <= max_n; n++) {
                for (int64_t s = 0; s + n <= tokens; s++) {
                    int64_t m = 0; /* the tokens joined by single spaces */
                    for (int64_t t = s; t < s + n; t++) {
                        if (t > s) padded[m++] = ' ';
                        for (int64_t q = token_from[t]; q < token_to[t]; q++)
                            padded[m++] = codes[q];
                    }
                    if (count >= capacity) { count = -3; goto done; }
                    out[count++] = column_of(padded, 0, m, bytes, n_features);
                }
            }
        }
        lengths[r] = count - before;
    }
done:
    free(padded);
    free(bytes);
    free(token_from);
    free(token_to);
    return count;
}

/* ---- near-duplicate signature (understand/applicants.py) ------------------------------ */

/* BLAKE2b (RFC 7693) with an 8-byte digest, no key: hashlib.blake2b(data, digest_size=8),
 * whose digest read as a little-endian integer is the first word of the final state. */
static const uint64_t BLAKE2B_IV[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

static const uint8_t BLAKE2B_SIGMA[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

static uint64_t rotr64(uint64_t x, int r) { return (x >> r) | (x << (64 - r)); }

#define BLAKE2B_G(a, b, c, d, x, y)          \
    do {                                     \
        v[a] = v[a] + v[b] + (x);            \
        v[d] = rotr64(v[d] ^ v[a], 32);      \
        v[c] = v[c] + v[d];                  \
        v[b] = rotr64(v[b] ^ v[c], 24);      \
        v[a] = v[a] + v[b] + (y);            \
        v[d] = rotr64(v[d] ^ v[a], 16);      \
        v[c] = v[c] + v[d];                  \
        v[b] = rotr64(v[b] ^ v[c], 63);      \
    } while (0)

static void blake2b_compress(uint64_t h[8], const uint8_t block[128], uint64_t counter,
                             int last) {
    uint64_t m[16], v[16];
    for (int i = 0; i < 16; i++) {
        uint64_t word = 0;
        for (int j = 7; j >= 0; j--) word = (word << 8) | block[8 * i + j];
        m[i] = word;
    }
    for (int i = 0; i < 8; i++) {
        v[i] = h[i];
        v[i + 8] = BLAKE2B_IV[i];
    }
    v[12] ^= counter; /* the counter's high word stays 0: no shingle is 2^64 bytes long */
    if (last) v[14] = ~v[14];
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 12 /* whole rounds: the message words' indices become constants */
#endif
    for (int round = 0; round < 12; round++) {
        const uint8_t *s = BLAKE2B_SIGMA[round % 10];
        BLAKE2B_G(0, 4, 8, 12, m[s[0]], m[s[1]]);
        BLAKE2B_G(1, 5, 9, 13, m[s[2]], m[s[3]]);
        BLAKE2B_G(2, 6, 10, 14, m[s[4]], m[s[5]]);
        BLAKE2B_G(3, 7, 11, 15, m[s[6]], m[s[7]]);
        BLAKE2B_G(0, 5, 10, 15, m[s[8]], m[s[9]]);
        BLAKE2B_G(1, 6, 11, 12, m[s[10]], m[s[11]]);
        BLAKE2B_G(2, 7, 8, 13, m[s[12]], m[s[13]]);
        BLAKE2B_G(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

static uint64_t blake2b_8(const uint8_t *data, int64_t len) {
    uint64_t h[8];
    for (int i = 0; i < 8; i++) h[i] = BLAKE2B_IV[i];
    h[0] ^= 0x01010000ull ^ 8; /* digest length 8, no key, fanout 1, depth 1 */
    int64_t done = 0;
    while (len - done > 128) {
        blake2b_compress(h, data + done, (uint64_t)(done + 128), 0);
        done += 128;
    }
    uint8_t block[128] = {0};
    for (int64_t i = done; i < len; i++) block[i - done] = data[i];
    blake2b_compress(h, block, (uint64_t)len, 1);
    return h[0];
}

/* x mod 2^31 - 1 for x below 2^63, as applicants._mod_prime folds it. */
static uint64_t mod_mersenne31(uint64_t x) {
    const uint64_t p = 0x7FFFFFFFull;
    x = (x & p) + (x >> 31);
    x = (x & p) + (x >> 31);
    return x >= p ? x - p : x;
}

/* out[k] = min(out[k], (a[k] * h + b[k]) mod 2^31 - 1) for every permutation k: one shingle
 * against all permutations (the minima stay in cache; a[k] and h are below 2^31, so the
 * products fit in 64 bits). */
/* With GCC on x86-64, an AVX2 copy too (32 x 32 -> 64-bit products four at a time), chosen
 * when the library loads on a processor that has it; integer arithmetic, the same results. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default"), optimize("tree-vectorize")))
#else
#define VECTOR_CLONES
#endif

VECTOR_CLONES
static void least_of(uint64_t h, const uint64_t *a, const uint64_t *b, int64_t n,
                     uint64_t *out) {
    for (int64_t k = 0; k < n; k++) {
        uint64_t x = mod_mersenne31((uint32_t)a[k] * h + b[k]);
        out[k] = x < out[k] ? x : out[k];
    }
}

typedef struct {
    uint64_t hash;
    int64_t start, end; /* bytes of the shingle in the joined words */
} shingle;

static int shingle_cmp(const void *pa, const void *pb) {
    const shingle *a = pa, *b = pb;
    if (a->hash != b->hash) return a->hash < b->hash ? -1 : 1;
    return (a->start > b->start) - (a->start < b->start);
}

static int same_bytes(const uint8_t *text, const shingle *a, const shingle *b) {
    int64_t length = a->end - a->start;
    if (b->end - b->start != length) return 0;
    for (int64_t i = 0; i < length; i++)
        if (text[a->start + i] != text[b->start + i]) return 0;
    return 1;
}

/*
 * applicants.text_signature from the (lowercased) text itself: its words are the runs of
 * code points the regex \w matches (bit 1 of kinds[], Python's own decision, for code points
 * below `table`), its shingles every `k` words in a row joined by single spaces, as UTF-8;
 * each distinct shingle is hashed (blake2b-8 mod 2^31 - 1) and min-hashed. Returns the number of
 * distinct shingles, and writes out[] only when that is at least `min_shingles`; -2 when a
 * code point is at or above `table` (other scripts, surrogates: the caller's Python path
 * decides), -1 without memory.
 */
int64_t shingle_minhash(const uint32_t *codes, int64_t n, int64_t k, const uint8_t *kinds,
                        int64_t table, int64_t min_shingles, const uint64_t *a,
                        const uint64_t *b, int64_t permutations, uint64_t *out) {
    for (int64_t i = 0; i < n; i++)
        if (codes[i] >= (uint64_t)table) return -2;
    uint8_t *joined = malloc(4 * (size_t)n + 1);
    int64_t *word_start = malloc(sizeof(int64_t) * (n / 2 + 1)); /* bytes, in joined */
    int64_t *word_end = malloc(sizeof(int64_t) * (n / 2 + 1));
    if (!joined || !word_start || !word_end) {
        free(joined);
        free(word_start);
        free(word_end);
        return -1;
    }
    int64_t words = 0, length = 0;
    for (int64_t i = 0; i < n;) {
        if (!(kinds[codes[i]] & 2)) {
            i++;
            continue;
        }
        int64_t j = i;
        while (j < n && (kinds[codes[j]] & 2)) j++;
        if (words > 0) joined[length++] = ' ';
        word_start[words] = length;
        length += utf8(codes, i, j, joined + length);
        word_end[words++] = length;
        i = j;
    }
    int64_t count = words >= k ? words - k + 1 : 0;
    shingle *found = malloc(sizeof(shingle) * (count > 0 ? count : 1));
    if (!found) {
        free(joined);
        free(word_start);
        free(word_end);
        return -1;
    }
    for (int64_t i = 0; i < count; i++) {
        found[i].start = word_start[i];
        found[i].end = word_end[i + k - 1];
        found[i].hash = blake2b_8(joined + found[i].start, found[i].end - found[i].start);
    }
    /* Distinct shingles: equal ones have equal hashes, so they meet in a run of one hash;
     * within it each is compared with those kept so far (a run holding two different
     * shingles would take a 64-bit hash collision). */
    qsort(found, (size_t)count, sizeof(shingle), shingle_cmp);
    int64_t distinct = 0;
    for (int64_t i = 0, run = 0; i < count; i++) {
        if (i == 0 || found[i].hash != found[i - 1].hash) run = distinct;
        int seen = 0;
        for (int64_t j = run; j < distinct && !seen; j++)
            seen = same_bytes(joined, &found[j], &found[i]);
        if (!seen) found[distinct++] = found[i];
    }
    if (distinct >= min_shingles) {
        for (int64_t p = 0; p < permutations; p++) out[p] = UINT64_MAX;
        for (int64_t i = 0; i < distinct; i++) {
            uint64_t h = (uint32_t)(found[i].hash % 0x7FFFFFFFull);
            least_of(h, a, b, permutations, out);
        }
    }
    free(found);
    free(joined);
    free(word_start);
    free(word_end);
    return distinct;
}

/* fastpath._expit(sums + bias): 1 / (1 + exp(-x)) with the C library's exp, which is what
 * Python's math.exp calls (an overflow gives 1 / (1 + inf) = 0, as _logistic returns). */
void expit(const double *sums, const double *bias, int64_t rows, int64_t width, double *out) {
    for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < width; c++) {
            double x = sums[r * width + c] + bias[c];
            out[r * width + c] = 1.0 / (1.0 + exp(-x));
        }
}
