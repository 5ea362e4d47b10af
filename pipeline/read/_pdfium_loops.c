/*
 * Loops over a page's characters that call PDFium once per item, in C.
 *
 * From Python each PDFium call through ctypes costs about 0.3-0.5 us, more than the work
 * PDFium does for a character's box; a page of 3,000 characters spent most of its word-box
 * time in those calls. These loops make the calls the Python fallback in pdf_pdfium.py
 * makes, with the same arguments (read-only getters: their order does not matter), and
 * store what it stores: the results are the same bit for bit (tests/test_pdfium_loops.py
 * compares the two on generated PDFs).
 *
 * No PDFium header and no link to PDFium: the caller passes the addresses of the PDFium
 * functions that pypdfium2 has already loaded, so this library only ever calls into the
 * copy of PDFium the rest of the process uses. Plain C, no Python API: loaded with ctypes
 * (pdf_pdfium._c_loops). Bump LOOPS_VERSION when a signature changes; a library of another
 * version is not used.
 */
#include <stdint.h>

#define LOOPS_VERSION 1

/* FPDFText_GetLooseCharBox(text_page, index, FS_RECTF *rect) */
typedef int (*loose_char_box_fn)(void *, int, float *);
/* FPDFText_GetFillColor(text_page, index, unsigned *r, *g, *b, *a) */
typedef int (*fill_color_fn)(void *, int, unsigned int *, unsigned int *, unsigned int *,
                             unsigned int *);
/* FPDFText_GetTextObject(text_page, index) */
typedef void *(*text_object_fn)(void *, int);
/* FPDFTextObj_GetTextRenderMode(text_object) */
typedef int (*render_mode_fn)(void *);

int loops_version(void) { return LOOPS_VERSION; }

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
