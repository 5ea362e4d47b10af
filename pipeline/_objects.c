/* Python objects made in C: a page's Word records from the PDF reader's columns
 * (pipeline/read/pdf_pdfium.py); the layout's rows, chunks, gutter, wide-row regions and lines
 * (pipeline/read/layout.py); the skill matcher's tokens from its cache of chunks
 * (pipeline/skills/matcher.py), with their orth ids; where a text's words that are one of a
 * few whole words start (pipeline/text/redact.py); whether a line holds the digits of a phone
 * number (pipeline/understand/contacts.py).
 *
 * Unlike _native.c (plain C loops loaded with ctypes), this is an extension module: its
 * work is making and arranging Python objects, which only the C API can do without the
 * interpreter's overhead per object. hatch_build.py compiles it when the Python headers are
 * there (loaded by native.objects()); without it the Python code it stands for runs, with
 * the same results (tests/test_objects.py compares both).
 *
 * Floating point: built with -ffp-contract=off, so that `centre - half * 0.8` is rounded
 * twice, as Python rounds it, and never fused into one multiply-add.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OBJECTS_VERSION 4

enum { W_TEXT, W_X0, W_TOP, W_X1, W_BOTTOM, W_SIZE, W_PAGE, W_BOLD, W_ROTATED, W_FIELDS };

/* ---- buffers ---------------------------------------------------------------------------- */

typedef struct {
    Py_buffer view;
    int held;
} Column;

/* A one-dimensional C-contiguous buffer of `n` items (n < 0: any) of `itemsize` bytes whose
 * struct format character is one of `formats` (numpy's int64 is "l" or "q"). */
static int column_get(PyObject *obj, Column *col, Py_ssize_t itemsize, const char *formats,
                      Py_ssize_t n, const char *name) {
    col->held = 0;
    if (PyObject_GetBuffer(obj, &col->view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return -1;
    col->held = 1;
    const char *format = col->view.format ? col->view.format : "B";
    if (strchr("@=<", format[0]) != NULL && format[0] != '\0')
        format++;
    if (col->view.ndim != 1 || col->view.itemsize != itemsize || strlen(format) != 1 ||
        strchr(formats, format[0]) == NULL) {
        PyErr_Format(PyExc_TypeError, "%s: a 1-d array of '%s' items expected", name, formats);
        return -1;
    }
    if (n >= 0 && col->view.shape[0] != n) {
        PyErr_Format(PyExc_ValueError, "%s: %zd items, %zd expected", name, col->view.shape[0],
                     n);
        return -1;
    }
    return 0;
}

static void column_release(Column *col) {
    if (col->held)
        PyBuffer_Release(&col->view);
    col->held = 0;
}

/* A type whose instances are laid out as tuples (a NamedTuple class: no __dict__). */
static int tuple_like(PyTypeObject *type) {
    return PyType_IsSubtype(type, &PyTuple_Type) &&
           type->tp_basicsize == PyTuple_Type.tp_basicsize &&
           type->tp_itemsize == PyTuple_Type.tp_itemsize && type->tp_dictoffset == 0;
}

/* ---- make_words ----------------------------------------------------------------------- */

/* text[a:b] with the characters marked blank left out (when `drop_blanks`), and a last
 * character of PDFium's end-of-line hyphen made "-" (when `hyphen`): what pdf_pdfium's
 * Python does with a word's text, in the same order. */
static PyObject *word_text(PyObject *text, Py_ssize_t a, Py_ssize_t b, const char *blank,
                           int drop_blanks, int hyphen) {
    PyObject *out;
    if (!drop_blanks) {
        out = PyUnicode_Substring(text, a, b);
    } else {
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        Py_UCS4 *buffer = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(b - a + 1));
        if (buffer == NULL)
            return PyErr_NoMemory();
        Py_ssize_t n = 0;
        for (Py_ssize_t i = a; i < b; i++)
            if (!blank[i])
                buffer[n++] = PyUnicode_READ(kind, data, i);
        out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buffer, n);
        PyMem_Free(buffer);
    }
    if (out == NULL || !hyphen)
        return out;
    Py_ssize_t length = PyUnicode_GET_LENGTH(out);
    PyObject *head = PyUnicode_Substring(out, 0, length > 0 ? length - 1 : 0);
    Py_DECREF(out);
    if (head == NULL)
        return NULL;
    PyObject *dash = PyUnicode_FromOrdinal('-');
    if (dash == NULL) {
        Py_DECREF(head);
        return NULL;
    }
    out = PyUnicode_Concat(head, dash);
    Py_DECREF(head);
    Py_DECREF(dash);
    return out;
}

/* A tuple-like instance of `type` holding `fields` (references stolen). Not tracked by the
 * garbage collector: its fields are strings, numbers and bools, which cannot make a cycle
 * (the interpreter stops tracking plain tuples of such values the same way). */
static PyObject *record(PyTypeObject *type, PyObject **fields, Py_ssize_t n) {
    PyObject *obj = type->tp_alloc(type, n);
    if (obj == NULL) {
        for (Py_ssize_t i = 0; i < n; i++)
            Py_DECREF(fields[i]);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        PyTuple_SET_ITEM(obj, i, fields[i]);
    if (PyObject_GC_IsTracked(obj))
        PyObject_GC_UnTrack(obj);
    return obj;
}

PyDoc_STRVAR(make_words_doc,
             "make_words(Word, text, page, kept, starts, ends, x0, top, x1, bottom, size, bold,\n"
             "           rotated, blank, line_end) -> list\n\n"
             "Word records of the words numbered in `kept` (int64): text[starts[k]:ends[k]]\n"
             "without inner blanks, an end-of-line hyphen made '-', and the word's columns\n"
             "(float64 x0, top, x1, bottom, size; bool bold, rotated; per word). blank and\n"
             "line_end are bool per character of text.");

static PyObject *make_words(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *type_obj, *text, *page;
    PyObject *objs[12];
    if (!PyArg_ParseTuple(args, "OUOOOOOOOOOOOOO", &type_obj, &text, &page, &objs[0], &objs[1],
                          &objs[2], &objs[3], &objs[4], &objs[5], &objs[6], &objs[7], &objs[8],
                          &objs[9], &objs[10], &objs[11]))
        return NULL;
    if (!PyType_Check(type_obj) || !tuple_like((PyTypeObject *)type_obj)) {
        PyErr_SetString(PyExc_TypeError, "make_words: a NamedTuple class expected");
        return NULL;
    }
    PyTypeObject *type = (PyTypeObject *)type_obj;
    Column cols[12];
    for (int i = 0; i < 12; i++)
        cols[i].held = 0;
    PyObject *result = NULL;
    Py_ssize_t chars = PyUnicode_GET_LENGTH(text);
    static const char *names[12] = {"kept", "starts", "ends", "x0", "top", "x1",
                                    "bottom", "size", "bold", "rotated", "blank", "line_end"};
    if (column_get(objs[0], &cols[0], 8, "lq", -1, names[0]) < 0)
        goto done;
    if (column_get(objs[1], &cols[1], 8, "lq", -1, names[1]) < 0)
        goto done;
    Py_ssize_t words = cols[1].view.shape[0];
    for (int i = 2; i < 12; i++) {
        Py_ssize_t itemsize = i <= 7 ? 8 : 1;
        const char *formats = i == 2 ? "lq" : i <= 7 ? "d" : "?";
        Py_ssize_t n = i <= 9 ? words : chars;
        if (column_get(objs[i], &cols[i], itemsize, formats, n, names[i]) < 0)
            goto done;
    }
    const int64_t *kept = cols[0].view.buf, *starts = cols[1].view.buf, *ends = cols[2].view.buf;
    const double *x0 = cols[3].view.buf, *top = cols[4].view.buf, *x1 = cols[5].view.buf;
    const double *bottom = cols[6].view.buf, *size = cols[7].view.buf;
    const char *bold = cols[8].view.buf, *rotated = cols[9].view.buf;
    const char *blank = cols[10].view.buf, *line_end = cols[11].view.buf;
    Py_ssize_t count = cols[0].view.shape[0];
    result = PyList_New(count);
    if (result == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < count; k++) {
        int64_t w = kept[k];
        if (w < 0 || w >= words || starts[w] < 0 || starts[w] >= ends[w] || ends[w] > chars) {
            PyErr_SetString(PyExc_IndexError, "make_words: a word outside the text");
            Py_CLEAR(result);
            goto done;
        }
        Py_ssize_t a = (Py_ssize_t)starts[w], b = (Py_ssize_t)ends[w];
        int blanks = 0;
        if (b - a > 1)
            for (Py_ssize_t i = a; i < b && !blanks; i++)
                blanks = blank[i] != 0;
        PyObject *fields[W_FIELDS];
        fields[W_TEXT] = word_text(text, a, b, blank, blanks, line_end[b - 1] != 0);
        fields[W_X0] = PyFloat_FromDouble(x0[w]);
        fields[W_TOP] = PyFloat_FromDouble(top[w]);
        fields[W_X1] = PyFloat_FromDouble(x1[w]);
        fields[W_BOTTOM] = PyFloat_FromDouble(bottom[w]);
        fields[W_SIZE] = PyFloat_FromDouble(size[w]);
        Py_INCREF(page);
        fields[W_PAGE] = page;
        fields[W_BOLD] = PyBool_FromLong(bold[w]);
        fields[W_ROTATED] = PyBool_FromLong(rotated[w]);
        int failed = 0;
        for (int f = 0; f < W_FIELDS; f++)
            failed |= fields[f] == NULL;
        if (failed) {
            for (int f = 0; f < W_FIELDS; f++)
                Py_XDECREF(fields[f]);
            Py_CLEAR(result);
            goto done;
        }
        PyObject *word = record(type, fields, W_FIELDS);
        if (word == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, k, word);
    }
done:
    for (int i = 0; i < 12; i++)
        column_release(&cols[i]);
    return result;
}

/* ---- rows and chunks --------------------------------------------------------------------- */

/* The float in field `f` of word `w`, into *out; 0 when it is not a float, or is NaN (the
 * caller then leaves the work to Python, whose comparisons of NaN it does not mimic). */
static int float_field(PyObject *w, int f, double *out) {
    if (!PyTuple_Check(w) || PyTuple_GET_SIZE(w) < W_FIELDS)
        return 0;
    PyObject *v = PyTuple_GET_ITEM(w, f);
    if (!PyFloat_CheckExact(v))
        return 0;
    *out = PyFloat_AS_DOUBLE(v);
    return !isnan(*out);
}

typedef struct {
    double centre, x0;
    Py_ssize_t index;
} RowKey;

static int by_centre(const void *pa, const void *pb) {
    const RowKey *a = pa, *b = pb;
    if (a->centre != b->centre)
        return a->centre < b->centre ? -1 : 1;
    if (a->x0 != b->x0)
        return a->x0 < b->x0 ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

typedef struct {
    double x0;
    Py_ssize_t at;
} RowPlace;

static int by_x0(const void *pa, const void *pb) {
    const RowPlace *a = pa, *b = pb;
    if (a->x0 < b->x0)
        return -1;
    if (b->x0 < a->x0)
        return 1;
    return (a->at > b->at) - (a->at < b->at);
}

PyDoc_STRVAR(rows_doc,
             "rows(words, band) -> list | None\n\n"
             "layout._rows without the joining of spaced letters: words (Word records) grouped\n"
             "into rows by vertical centre, rows top to bottom, each row's words by x0. None when\n"
             "a word's box or size is not a float, or is NaN: the Python code decides then.");

static PyObject *rows(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *seq;
    double band;
    if (!PyArg_ParseTuple(args, "Od", &seq, &band))
        return NULL;
    PyObject *fast = PySequence_Fast(seq, "rows: a sequence of words expected");
    if (fast == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    PyObject **items = PySequence_Fast_ITEMS(fast);
    RowKey *keys = PyMem_Malloc(sizeof(RowKey) * (size_t)(n > 0 ? n : 1));
    double *tops = PyMem_Malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    double *bottoms = PyMem_Malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    double *sizes = PyMem_Malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    RowPlace *places = PyMem_Malloc(sizeof(RowPlace) * (size_t)(n > 0 ? n : 1));
    PyObject *result = NULL;
    if (!keys || !tops || !bottoms || !sizes || !places) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        double x0, top, bottom, size;
        PyObject *w = items[i];
        if (!float_field(w, W_X0, &x0) || !float_field(w, W_TOP, &top) ||
            !float_field(w, W_BOTTOM, &bottom) || !float_field(w, W_SIZE, &size)) {
            result = Py_None;
            Py_INCREF(result);
            goto done;
        }
        double centre = (top + bottom) / 2;
        if (isnan(centre)) { /* inf - inf */
            result = Py_None;
            Py_INCREF(result);
            goto done;
        }
        keys[i].centre = centre;
        keys[i].x0 = x0;
        keys[i].index = i;
        tops[i] = top;
        bottoms[i] = bottom;
        sizes[i] = size;
    }
    qsort(keys, (size_t)n, sizeof(RowKey), by_centre);
    result = PyList_New(0);
    if (result == NULL)
        goto done;
    Py_ssize_t row_start = 0;
    double band_top = 0.0, band_bottom = 0.0;
    for (Py_ssize_t k = 0; k <= n; k++) {
        int joins = 0;
        if (k < n && k > 0) {
            double centre = keys[k].centre;
            joins = band_top <= centre && centre <= band_bottom;
        }
        if (k > 0 && (k == n || !joins)) { /* the row keys[row_start:k] is complete */
            Py_ssize_t m = k - row_start;
            for (Py_ssize_t j = 0; j < m; j++) {
                places[j].x0 = keys[row_start + j].x0;
                places[j].at = row_start + j;
            }
            qsort(places, (size_t)m, sizeof(RowPlace), by_x0);
            PyObject *row = PyList_New(m);
            if (row == NULL) {
                Py_CLEAR(result);
                goto done;
            }
            for (Py_ssize_t j = 0; j < m; j++) {
                PyObject *w = items[keys[places[j].at].index];
                Py_INCREF(w);
                PyList_SET_ITEM(row, j, w);
            }
            int failed = PyList_Append(result, row);
            Py_DECREF(row);
            if (failed) {
                Py_CLEAR(result);
                goto done;
            }
            row_start = k;
        }
        if (k < n && (k == 0 || !joins)) { /* keys[k] starts a row: its band */
            Py_ssize_t i = keys[k].index;
            double half = (bottoms[i] - tops[i]) / 2; /* max() as Python takes it: first wins */
            double other = 0.4 * sizes[i];
            if (other > half)
                half = other;
            if (0.5 > half)
                half = 0.5;
            band_top = keys[k].centre - half * band;
            band_bottom = keys[k].centre + half * band;
        }
    }
done:
    PyMem_Free(keys);
    PyMem_Free(tops);
    PyMem_Free(bottoms);
    PyMem_Free(sizes);
    PyMem_Free(places);
    Py_DECREF(fast);
    return result;
}

PyDoc_STRVAR(spaced_rows_doc,
             "spaced_rows(rows) -> list\n\n"
             "The numbers of the rows (lists of Word records) holding at least two words of one\n"
             "character: the only rows layout._join_spaced_letters can change (a row holding a\n"
             "word whose text is not a string is listed too, for Python to decide).");

static PyObject *spaced_rows(PyObject *self, PyObject *args) {
    PyObject *rows_obj;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &rows_obj))
        return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t r = 0; r < PyList_GET_SIZE(rows_obj); r++) {
        PyObject *row = PyList_GET_ITEM(rows_obj, r);
        int single = 0, odd = !PyList_Check(row);
        for (Py_ssize_t k = 0; !odd && single < 2 && k < PyList_GET_SIZE(row); k++) {
            PyObject *w = PyList_GET_ITEM(row, k);
            PyObject *text = PyTuple_Check(w) && PyTuple_GET_SIZE(w) > W_TEXT
                                 ? PyTuple_GET_ITEM(w, W_TEXT)
                                 : NULL;
            if (text == NULL || !PyUnicode_Check(text))
                odd = 1;
            else
                single += PyUnicode_GET_LENGTH(text) == 1;
        }
        if (odd || single >= 2) {
            PyObject *number = PyLong_FromSsize_t(r);
            if (number == NULL || PyList_Append(out, number) < 0) {
                Py_XDECREF(number);
                Py_DECREF(out);
                return NULL;
            }
            Py_DECREF(number);
        }
    }
    return out;
}

PyDoc_STRVAR(chunks_doc,
             "chunks(rows, em, least) -> list | None\n\n"
             "layout._chunks of each row: a row split where the gap between two words is wider\n"
             "than em * max(their sizes, least) (and than em * least). None when a box or size\n"
             "is not a float, or is NaN.");

static PyObject *chunks(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *rows_obj;
    double em, least;
    if (!PyArg_ParseTuple(args, "O!dd", &PyList_Type, &rows_obj, &em, &least))
        return NULL;
    Py_ssize_t n_rows = PyList_GET_SIZE(rows_obj);
    PyObject *result = PyList_New(n_rows);
    if (result == NULL)
        return NULL;
    double floor_gap = em * least;
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        PyObject *row = PyList_GET_ITEM(rows_obj, r);
        if (!PyList_Check(row) || PyList_GET_SIZE(row) == 0) {
            Py_DECREF(result);
            Py_RETURN_NONE;
        }
        Py_ssize_t n = PyList_GET_SIZE(row);
        PyObject *out = PyList_New(0);
        if (out == NULL) {
            Py_DECREF(result);
            return NULL;
        }
        PyList_SET_ITEM(result, r, out);
        Py_ssize_t start = 0;
        double prev_x1, prev_size;
        PyObject *first = PyList_GET_ITEM(row, 0);
        if (!float_field(first, W_X1, &prev_x1) || !float_field(first, W_SIZE, &prev_size)) {
            Py_DECREF(result);
            Py_RETURN_NONE;
        }
        for (Py_ssize_t j = 1; j <= n; j++) {
            int split = j == n;
            double x0 = 0.0, x1 = 0.0, size = 0.0;
            if (j < n) {
                PyObject *w = PyList_GET_ITEM(row, j);
                if (!float_field(w, W_X0, &x0) || !float_field(w, W_X1, &x1) ||
                    !float_field(w, W_SIZE, &size)) {
                    Py_DECREF(result);
                    Py_RETURN_NONE;
                }
                double gap = x0 - prev_x1;
                if (gap > floor_gap) {
                    double most = prev_size; /* max(prev.size, word.size, least) */
                    if (size > most)
                        most = size;
                    if (least > most)
                        most = least;
                    split = gap > em * most;
                }
            }
            if (split) {
                PyObject *chunk = PyList_GetSlice(row, start, j);
                if (chunk == NULL || PyList_Append(out, chunk) < 0) {
                    Py_XDECREF(chunk);
                    Py_DECREF(result);
                    return NULL;
                }
                Py_DECREF(chunk);
                start = j;
            }
            prev_x1 = x1;
            prev_size = size;
        }
    }
    return result;
}

/* ---- the layout's gutter ----------------------------------------------------------------- */

/* The first and last word of chunk `c` of row `r` (borrowed), or 0 when the rows are not
 * lists of non-empty lists. */
static int chunk_ends(PyObject *row, Py_ssize_t c, PyObject **first, PyObject **last) {
    PyObject *chunk = PyList_GET_ITEM(row, c);
    if (!PyList_Check(chunk) || PyList_GET_SIZE(chunk) == 0)
        return 0;
    *first = PyList_GET_ITEM(chunk, 0);
    *last = PyList_GET_ITEM(chunk, PyList_GET_SIZE(chunk) - 1);
    return 1;
}

typedef struct {
    int64_t a, b;
} Span;

static int by_span(const void *pa, const void *pb) {
    const Span *a = pa, *b = pb;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

#define GUTTER_MAX_WIDTH 1000000.0 /* points; wider pages are left to Python */

PyDoc_STRVAR(find_gutter_doc,
             "find_gutter(rows, min_gutter, max_crossing, min_rows_each_side, aligned_field)\n"
             "    -> (g0, g1) | None | NotImplemented\n\n"
             "layout._find_gutter: the widest vertical strip (almost) no row crosses, with text\n"
             "on both sides; aligned_field(rows, g1) is asked as Python asks it. NotImplemented\n"
             "when a box is not a finite float (or the rows are not lists of lists of words):\n"
             "the Python code decides then.");

static PyObject *find_gutter(PyObject *self, PyObject *args) {
    PyObject *rows_obj, *aligned_field;
    double min_gutter, max_crossing;
    long min_each_side;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!ddlO", &PyList_Type, &rows_obj, &min_gutter, &max_crossing,
                          &min_each_side, &aligned_field))
        return NULL;
    Py_ssize_t n_rows = PyList_GET_SIZE(rows_obj);
    if (n_rows < 2 * min_each_side)
        Py_RETURN_NONE;
    /* Every chunk's x0 (first word) and x1 (last word), row by row. */
    Py_ssize_t n_chunks = 0;
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        PyObject *row = PyList_GET_ITEM(rows_obj, r);
        if (!PyList_Check(row) || PyList_GET_SIZE(row) == 0)
            Py_RETURN_NOTIMPLEMENTED;
        n_chunks += PyList_GET_SIZE(row);
    }
    double *x0 = PyMem_Malloc(sizeof(double) * (size_t)n_chunks);
    double *x1 = PyMem_Malloc(sizeof(double) * (size_t)n_chunks);
    Py_ssize_t *row_start = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n_rows + 1));
    Span *spans = PyMem_Malloc(sizeof(Span) * (size_t)n_chunks);
    int64_t *cover = NULL;
    PyObject *result = NULL;
    if (!x0 || !x1 || !row_start || !spans) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t at = 0;
    double x_min = INFINITY, x_max = -INFINITY;
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        PyObject *row = PyList_GET_ITEM(rows_obj, r);
        row_start[r] = at;
        for (Py_ssize_t c = 0; c < PyList_GET_SIZE(row); c++, at++) {
            PyObject *first, *last;
            if (!chunk_ends(row, c, &first, &last) || !float_field(first, W_X0, &x0[at]) ||
                !float_field(last, W_X1, &x1[at]) || !isfinite(x0[at]) || !isfinite(x1[at]) ||
                fabs(x0[at]) > GUTTER_MAX_WIDTH || fabs(x1[at]) > GUTTER_MAX_WIDTH) {
                result = Py_NotImplemented;
                Py_INCREF(result);
                goto done;
            }
            if (x0[at] < x_min)
                x_min = x0[at];
            if (x1[at] > x_max)
                x_max = x1[at];
        }
    }
    row_start[n_rows] = at;
    double span = x_max - x_min;
    if (span < 4 * min_gutter) {
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    int64_t origin = (int64_t)x_min; /* int(): towards zero */
    int64_t size = (int64_t)x_max - origin + 3;
    cover = PyMem_Calloc((size_t)size, sizeof(int64_t));
    if (cover == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    /* The difference array of the rows' merged chunk spans. An index Python would wrap
     * around (a chunk ending left of the page's leftmost start) is left to Python. */
#define DELTA(index, by)                                                                       \
    do {                                                                                       \
        int64_t index_ = (index);                                                              \
        if (index_ < 0 || index_ >= size) {                                                    \
            result = Py_NotImplemented;                                                        \
            Py_INCREF(result);                                                                 \
            goto done;                                                                         \
        }                                                                                      \
        cover[index_] += (by);                                                                 \
    } while (0)
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        Py_ssize_t a = row_start[r], m = row_start[r + 1] - a;
        if (m == 1) {
            DELTA((int64_t)x0[a] - origin, 1);
            DELTA((int64_t)x1[a] - origin + 1, -1);
            continue;
        }
        for (Py_ssize_t c = 0; c < m; c++) {
            spans[c].a = (int64_t)x0[a + c] - origin;
            spans[c].b = (int64_t)x1[a + c] - origin + 1;
        }
        qsort(spans, (size_t)m, sizeof(Span), by_span);
        int64_t cur_a = spans[0].a, cur_b = spans[0].b;
        for (Py_ssize_t c = 1; c < m; c++) {
            if (spans[c].a <= cur_b) {
                if (spans[c].b > cur_b)
                    cur_b = spans[c].b;
            } else {
                DELTA(cur_a, 1);
                DELTA(cur_b, -1);
                cur_a = spans[c].a;
                cur_b = spans[c].b;
            }
        }
        DELTA(cur_a, 1);
        DELTA(cur_b, -1);
    }
#undef DELTA
    for (int64_t k = 1; k < size; k++)
        cover[k] += cover[k - 1];
    int64_t limit = (int64_t)(max_crossing * (double)n_rows);
    if (limit < 1)
        limit = 1;
    double need = 0.15 * (double)n_rows; /* max(MIN_ROWS_EACH_SIDE, 0.15 * rows) */
    if (!((double)min_each_side < need))
        need = (double)min_each_side;
    double best_score = 0.0;
    int64_t best_g0 = 0, best_g1 = 0;
    int found = 0;
    int64_t i = (int64_t)(0.1 * span), end = (int64_t)(0.9 * span);
    for (;;) {
        if (i < 0)
            i = 0;
        while (i < size && cover[i] > limit) /* the first open place at or after i */
            i++;
        if (i >= size || i >= end)
            break;
        int64_t j = i;
        while (j < size && cover[j] <= limit)
            j++;
        /* The strip's core: the longest run of the places crossed by the fewest rows. */
        int64_t least = cover[i];
        for (int64_t k = i; k < j; k++)
            if (cover[k] < least)
                least = cover[k];
        int64_t run_a = -1, run_b = -1, start = -1, previous = -2;
        for (int64_t k = i; k < j; k++) {
            if (cover[k] != least)
                continue;
            if (k != previous + 1)
                start = k;
            previous = k;
            if (run_a < 0 || k + 1 - start > run_b - run_a) {
                run_a = start;
                run_b = k + 1;
            }
        }
        if ((double)(run_b - run_a) >= min_gutter) {
            i = run_a;
            j = run_b;
        }
        int64_t width = j - i;
        if ((double)width >= min_gutter) {
            int64_t g0 = origin + i, g1 = origin + j;
            int64_t left_rows = 0, right_rows = 0;
            for (Py_ssize_t r = 0; r < n_rows; r++) {
                int left = 0, right = 0;
                for (Py_ssize_t c = row_start[r]; c < row_start[r + 1]; c++) {
                    left |= x1[c] <= (double)(g0 + 1);
                    right |= x0[c] >= (double)(g1 - 1);
                }
                left_rows += left;
                right_rows += right;
            }
            int64_t fewer = left_rows < right_rows ? left_rows : right_rows;
            double score = (double)(width * fewer);
            if ((double)fewer >= need && score > best_score) {
                PyObject *at_g1 = PyLong_FromLongLong(g1);
                PyObject *aligned =
                    at_g1 ? PyObject_CallFunctionObjArgs(aligned_field, rows_obj, at_g1, NULL) : NULL;
                Py_XDECREF(at_g1);
                int truth = aligned ? PyObject_IsTrue(aligned) : -1;
                Py_XDECREF(aligned);
                if (truth < 0)
                    goto done;
                if (!truth) {
                    best_score = score;
                    best_g0 = g0;
                    best_g1 = g1;
                    found = 1;
                }
            }
        }
        i = j + 1;
    }
    if (found)
        result = Py_BuildValue("(dd)", (double)best_g0, (double)best_g1);
    else {
        result = Py_None;
        Py_INCREF(result);
    }
done:
    PyMem_Free(x0);
    PyMem_Free(x1);
    PyMem_Free(row_start);
    PyMem_Free(spans);
    PyMem_Free(cover);
    return result;
}

/* ---- the layout's lines and wide rows ---------------------------------------------------- */

static int by_double(const void *pa, const void *pb) {
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* The Line of `words` (a list of Word records) as layout._line makes it, or NULL with
 * *python set when a size is not a float, is NaN or -0.0 (the caller asks _line then). */
static PyObject *line_of(PyObject *line_type, PyObject *words, double *sizes, int *python) {
    static PyObject *space = NULL, *round_name = NULL, *two = NULL;
    if (space == NULL && (space = PyUnicode_FromOrdinal(' ')) == NULL)
        return NULL;
    if (round_name == NULL && (round_name = PyUnicode_InternFromString("__round__")) == NULL)
        return NULL;
    if (two == NULL && (two = PyLong_FromLong(2)) == NULL)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(words);
    *python = 0;
    if (n == 0) {
        *python = 1; /* median() of nothing raises: as Python does */
        return NULL;
    }
    int bold = 1;
    PyObject *texts = PyList_New(n);
    if (texts == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *w = PyList_GET_ITEM(words, i);
        /* -0.0: Python's stable sort keeps it in its place among zeros; qsort may not */
        if (!float_field(w, W_SIZE, &sizes[i]) || (sizes[i] == 0.0 && signbit(sizes[i]))) {
            Py_DECREF(texts);
            *python = 1;
            return NULL;
        }
        PyObject *text = PyTuple_GET_ITEM(w, W_TEXT);
        Py_INCREF(text);
        PyList_SET_ITEM(texts, i, text);
    }
    /* all(w.bold for w in words): stops at the first false one, as Python does */
    for (Py_ssize_t i = 0; i < n && bold; i++) {
        int truth = PyObject_IsTrue(PyTuple_GET_ITEM(PyList_GET_ITEM(words, i), W_BOLD));
        if (truth < 0) {
            Py_DECREF(texts);
            return NULL;
        }
        bold = truth;
    }
    PyObject *text = PyUnicode_Join(space, texts);
    Py_DECREF(texts);
    if (text == NULL)
        return NULL;
    qsort(sizes, (size_t)n, sizeof(double), by_double); /* statistics.median */
    double median = n % 2 ? sizes[n / 2] : (sizes[n / 2 - 1] + sizes[n / 2]) / 2;
    PyObject *middle = PyFloat_FromDouble(median);
    PyObject *size = middle ? PyObject_CallMethodOneArg(middle, round_name, two) : NULL;
    Py_XDECREF(middle);
    PyObject *line = NULL;
    if (size != NULL) {
        PyObject *page = PyTuple_GET_ITEM(PyList_GET_ITEM(words, 0), W_PAGE);
        PyObject *args[4] = {text, page, size, bold ? Py_True : Py_False};
        line = PyObject_Vectorcall(line_type, args, 4, NULL);
    }
    Py_DECREF(text);
    Py_XDECREF(size);
    return line;
}

PyDoc_STRVAR(make_lines_doc,
             "make_lines(Line, rows, fallback) -> list\n\n"
             "layout._line of each row's words, a row being a list of chunks (lists of Word\n"
             "records): Line(text, page, size, bold). A row whose words are not all records with\n"
             "float sizes (or has a NaN size) is given to fallback(words) instead.");

static PyObject *make_lines(PyObject *self, PyObject *args) {
    PyObject *line_type, *rows_obj, *fallback;
    (void)self;
    if (!PyArg_ParseTuple(args, "OO!O", &line_type, &PyList_Type, &rows_obj, &fallback))
        return NULL;
    Py_ssize_t n_rows = PyList_GET_SIZE(rows_obj);
    PyObject *result = PyList_New(n_rows);
    double *sizes = NULL;
    Py_ssize_t capacity = 0;
    if (result == NULL)
        return NULL;
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        PyObject *row = PyList_GET_ITEM(rows_obj, r);
        PyObject *words = PyList_New(0);
        if (words == NULL)
            goto fail;
        int ok = PyList_Check(row);
        for (Py_ssize_t c = 0; ok && c < PyList_GET_SIZE(row); c++) {
            PyObject *chunk = PyList_GET_ITEM(row, c);
            ok = PyList_Check(chunk);
            for (Py_ssize_t k = 0; ok && k < PyList_GET_SIZE(chunk); k++) {
                PyObject *w = PyList_GET_ITEM(chunk, k);
                ok = PyTuple_Check(w) && PyTuple_GET_SIZE(w) >= W_FIELDS;
                if (PyList_Append(words, w) < 0) {
                    Py_DECREF(words);
                    goto fail;
                }
            }
        }
        if (!ok) {
            Py_DECREF(words);
            PyErr_SetString(PyExc_TypeError, "make_lines: rows of chunks of words expected");
            goto fail;
        }
        Py_ssize_t n = PyList_GET_SIZE(words);
        if (n > capacity) {
            PyMem_Free(sizes);
            capacity = n * 2;
            sizes = PyMem_Malloc(sizeof(double) * (size_t)capacity);
            if (sizes == NULL) {
                Py_DECREF(words);
                PyErr_NoMemory();
                goto fail;
            }
        }
        int python = 0;
        PyObject *line = line_of(line_type, words, sizes, &python);
        if (line == NULL && python)
            line = PyObject_CallOneArg(fallback, words);
        Py_DECREF(words);
        if (line == NULL)
            goto fail;
        PyList_SET_ITEM(result, r, line);
    }
    PyMem_Free(sizes);
    return result;
fail:
    PyMem_Free(sizes);
    Py_DECREF(result);
    return NULL;
}

PyDoc_STRVAR(split_at_wide_rows_doc,
             "split_at_wide_rows(rows, wide_share) -> list | NotImplemented\n\n"
             "layout._split_at_wide_rows: rows (lists of chunks of words) split into regions at\n"
             "rows holding one chunk at least wide_share of the text's width; each such row is a\n"
             "region of its own. NotImplemented when a box is not a float or is NaN.");

static PyObject *split_at_wide_rows(PyObject *self, PyObject *args) {
    PyObject *rows_obj;
    double share;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!d", &PyList_Type, &rows_obj, &share))
        return NULL;
    Py_ssize_t n_rows = PyList_GET_SIZE(rows_obj);
    double x_min = INFINITY, x_max = -INFINITY;
    int any = 0;
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        PyObject *row = PyList_GET_ITEM(rows_obj, r);
        if (!PyList_Check(row))
            Py_RETURN_NOTIMPLEMENTED;
        for (Py_ssize_t c = 0; c < PyList_GET_SIZE(row); c++) {
            PyObject *first, *last;
            double x0, x1;
            if (!chunk_ends(row, c, &first, &last) || !float_field(first, W_X0, &x0) ||
                !float_field(last, W_X1, &x1))
                Py_RETURN_NOTIMPLEMENTED;
            if (!any || x0 < x_min)
                x_min = x0;
            if (!any || x1 > x_max)
                x_max = x1;
            any = 1;
        }
    }
    if (!any) /* min() of nothing raises in Python */
        Py_RETURN_NOTIMPLEMENTED;
    double wide = share * (x_max - x_min);
    PyObject *regions = PyList_New(0), *current = NULL;
    if (regions == NULL)
        return NULL;
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        PyObject *row = PyList_GET_ITEM(rows_obj, r);
        int is_wide = 0;
        for (Py_ssize_t c = 0; c < PyList_GET_SIZE(row) && !is_wide; c++) {
            PyObject *first, *last;
            double x0 = 0.0, x1 = 0.0;
            chunk_ends(row, c, &first, &last);
            float_field(first, W_X0, &x0);
            float_field(last, W_X1, &x1);
            is_wide = x1 - x0 >= wide;
        }
        if (is_wide) {
            if (current != NULL) {
                int failed = PyList_Append(regions, current);
                Py_CLEAR(current);
                if (failed)
                    goto fail;
            }
            PyObject *alone = PyList_New(1);
            if (alone == NULL)
                goto fail;
            Py_INCREF(row);
            PyList_SET_ITEM(alone, 0, row);
            int failed = PyList_Append(regions, alone);
            Py_DECREF(alone);
            if (failed)
                goto fail;
        } else {
            if (current == NULL && (current = PyList_New(0)) == NULL)
                goto fail;
            if (PyList_Append(current, row) < 0)
                goto fail;
        }
    }
    if (current != NULL) {
        int failed = PyList_Append(regions, current);
        Py_CLEAR(current);
        if (failed)
            goto fail;
    }
    return regions;
fail:
    Py_XDECREF(current);
    Py_DECREF(regions);
    return NULL;
}

/* ---- whole words ------------------------------------------------------------------------ */

PyDoc_STRVAR(word_starts_doc,
             "word_starts(text, words, longest) -> [(start, value), ...]\n\n"
             "Each run of word characters (the regex \\w) of `text` whose lower case is a key of\n"
             "`words` (a dict of lower-case strings of 1 to `longest` characters): where it\n"
             "starts and its value, in the order of the text. For texts without the characters\n"
             "whose lower case is longer than they are (U+0130).");

static PyObject *word_starts(PyObject *self, PyObject *args) {
    PyObject *text, *words;
    Py_ssize_t longest;
    (void)self;
    if (!PyArg_ParseTuple(args, "UO!n", &text, &PyDict_Type, &words, &longest))
        return NULL;
    if (longest < 1 || longest > 64) {
        PyErr_SetString(PyExc_ValueError, "word_starts: words of 1-64 characters expected");
        return NULL;
    }
    /* A quick refusal before a string is made: the keys' first characters (modulo 64) by
     * length. A run that passes is looked up in the dict. */
    uint64_t first[65] = {0};
    PyObject *key, *value;
    Py_ssize_t at = 0;
    while (PyDict_Next(words, &at, &key, &value)) {
        if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) < 1 ||
            PyUnicode_GET_LENGTH(key) > longest) {
            PyErr_SetString(PyExc_ValueError, "word_starts: words of 1-64 characters expected");
            return NULL;
        }
        first[PyUnicode_GET_LENGTH(key)] |= 1ull << (PyUnicode_READ_CHAR(key, 0) & 63);
    }
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 lowered[64];
    for (Py_ssize_t i = 0; i < n;) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (!(Py_UNICODE_ISALNUM(ch) || ch == '_')) {
            i++;
            continue;
        }
        Py_ssize_t j = i;
        while (j < n) {
            ch = PyUnicode_READ(kind, data, j);
            if (!(Py_UNICODE_ISALNUM(ch) || ch == '_'))
                break;
            if (j - i < longest)
                lowered[j - i] = Py_UNICODE_TOLOWER(ch);
            j++;
        }
        if (j - i <= longest && (first[j - i] >> (lowered[0] & 63) & 1)) {
            PyObject *word = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, lowered, j - i);
            if (word == NULL)
                goto failed;
            PyObject *found = PyDict_GetItemWithError(words, word);
            Py_DECREF(word);
            if (found == NULL && PyErr_Occurred())
                goto failed;
            if (found != NULL) {
                PyObject *pair = Py_BuildValue("(nO)", i, found);
                if (pair == NULL || PyList_Append(out, pair) < 0) {
                    Py_XDECREF(pair);
                    goto failed;
                }
                Py_DECREF(pair);
            }
        }
        i = j;
    }
    return out;
failed:
    Py_DECREF(out);
    return NULL;
}

PyDoc_STRVAR(digits_close_doc,
             "digits_close(text, count, gap) -> bool\n\n"
             "Whether `count` digits (the regex \\d) stand in `text` one after another with at\n"
             "most `gap` other characters between each two: re.search(r'(?:\\d\\D{0,gap}){count}',\n"
             "text) is not None.");

static PyObject *digits_close(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_ssize_t count, gap;
    (void)self;
    if (!PyArg_ParseTuple(args, "Unn", &text, &count, &gap))
        return NULL;
    if (count < 1 || gap < 0) {
        PyErr_SetString(PyExc_ValueError, "digits_close: count >= 1 and gap >= 0 expected");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), run = 0, since = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, i))) {
            since++;
            continue;
        }
        if (run > 0 && since > gap)
            run = 0; /* too far from the digit before: a run starts here */
        since = 0;
        if (++run == count)
            Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

/* ---- the matcher's tokens ---------------------------------------------------------------- */

/* A chunk's tokens: cache[piece] when there, else tokens_of(piece) (which fills the cache).
 * A new reference to a (texts, trailing, orths) triple of tuples of equal length, or NULL. */
static PyObject *tokens_of_piece(PyObject *cache, PyObject *tokens_of, PyObject *piece) {
    PyObject *entry = PyDict_GetItemWithError(cache, piece);
    if (entry != NULL)
        Py_INCREF(entry);
    else if (PyErr_Occurred())
        return NULL;
    else
        entry = PyObject_CallOneArg(tokens_of, piece);
    if (entry == NULL)
        return NULL;
    int ok = PyTuple_Check(entry) && PyTuple_GET_SIZE(entry) == 3;
    for (int part = 0; ok && part < 3; part++)
        ok = PyTuple_Check(PyTuple_GET_ITEM(entry, part)) &&
             PyTuple_GET_SIZE(PyTuple_GET_ITEM(entry, part)) ==
                 PyTuple_GET_SIZE(PyTuple_GET_ITEM(entry, 0));
    if (!ok) {
        Py_DECREF(entry);
        PyErr_SetString(PyExc_TypeError, "chunk_tokens: (texts, trailing, orths) tuples expected");
        return NULL;
    }
    return entry;
}

/* The lists a text's tokens are appended to. */
typedef struct {
    PyObject *words, *spaces, *orths;
} token_lists;

static int extend_tokens(token_lists *out, PyObject *entry) {
    PyObject *texts = PyTuple_GET_ITEM(entry, 0), *trailing = PyTuple_GET_ITEM(entry, 1),
             *orths = PyTuple_GET_ITEM(entry, 2);
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(texts); i++)
        if (PyList_Append(out->words, PyTuple_GET_ITEM(texts, i)) < 0 ||
            PyList_Append(out->spaces, PyTuple_GET_ITEM(trailing, i)) < 0 ||
            PyList_Append(out->orths, PyTuple_GET_ITEM(orths, i)) < 0)
            return -1;
    return 0;
}

/* The tokens of text[a:b] (a run of blanks), appended: 0, or -1 with an exception set. */
static int extend_with_piece(PyObject *text, Py_ssize_t a, Py_ssize_t b, PyObject *cache,
                             PyObject *tokens_of, token_lists *out) {
    PyObject *piece = PyUnicode_Substring(text, a, b);
    PyObject *entry = piece ? tokens_of_piece(cache, tokens_of, piece) : NULL;
    Py_XDECREF(piece);
    int failed = entry == NULL || extend_tokens(out, entry) < 0;
    Py_XDECREF(entry);
    return failed ? -1 : 0;
}

static int set_last_space(PyObject *spaces) {
    Py_ssize_t n = PyList_GET_SIZE(spaces);
    if (n == 0) {
        PyErr_SetString(PyExc_IndexError, "list assignment index out of range");
        return -1;
    }
    Py_INCREF(Py_True);
    return PyList_SetItem(spaces, n - 1, Py_True);
}

PyDoc_STRVAR(chunk_tokens_doc,
             "chunk_tokens(text, cache, specials, tokens_of) -> (words, spaces, orths)\n\n"
             "SkillMatcher._chunk_tokens: the tokens spaCy gives `text`, chunk by chunk (a run\n"
             "of non-blank characters and the blanks after it), each chunk's from `cache` or\n"
             "tokens_of(chunk); chunks whose tokens meet special-case pieces across one space\n"
             "are tokenized together.");

static PyObject *chunk_tokens(PyObject *self, PyObject *args) {
    PyObject *text, *cache, *specials, *tokens_of;
    (void)self;
    if (!PyArg_ParseTuple(args, "UO!OO", &text, &PyDict_Type, &cache, &specials, &tokens_of))
        return NULL;
    if (!PyAnySet_Check(specials)) {
        PyErr_SetString(PyExc_TypeError, "chunk_tokens: a set of special pieces expected");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    token_lists out = {PyList_New(0), PyList_New(0), PyList_New(0)};
    PyObject *words = out.words, *spaces = out.spaces;
    PyObject *region = NULL; /* the chunks before a single space, if any */
    Py_ssize_t region_tokens = 0;
    PyObject *result = NULL;
    if (words == NULL || spaces == NULL || out.orths == NULL)
        goto done;
    Py_ssize_t i = 0;
    while (i < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
        i++;
    /* whitespace before the first chunk: tokens of its own */
    if (i > 0 && extend_with_piece(text, 0, i, cache, tokens_of, &out) < 0)
        goto done;
    while (i < n) {
        Py_ssize_t j = i, k;
        while (j < n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j)))
            j++;
        k = j;
        while (k < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)))
            k++;
        PyObject *chunk = PyUnicode_Substring(text, i, j);
        if (chunk == NULL)
            goto done;
        PyObject *entry = tokens_of_piece(cache, tokens_of, chunk);
        if (entry == NULL) {
            Py_DECREF(chunk);
            goto done;
        }
        if (region != NULL) {
            PyObject *texts = PyTuple_GET_ITEM(entry, 0);
            Py_ssize_t count = PyList_GET_SIZE(words);
            int joined = PySet_Contains(specials, PyList_GET_ITEM(words, count - 1));
            if (joined > 0 && PyTuple_GET_SIZE(texts) == 0) {
                PyErr_SetString(PyExc_IndexError, "tuple index out of range");
                joined = -1;
            }
            if (joined > 0)
                joined = PySet_Contains(specials, PyTuple_GET_ITEM(texts, 0));
            if (joined < 0) {
                Py_DECREF(chunk);
                Py_DECREF(entry);
                goto done;
            }
            if (joined) { /* tokenized with the region before it, as one piece */
                Py_ssize_t keep = count - region_tokens;
                PyObject *both = PyUnicode_FromFormat("%U %U", region, chunk);
                Py_DECREF(chunk);
                Py_DECREF(entry);
                chunk = both;
                if (both == NULL)
                    goto done;
                entry = NULL;
                if (PyList_SetSlice(words, keep, count, NULL) == 0 &&
                    PyList_SetSlice(spaces, keep, count, NULL) == 0 &&
                    PyList_SetSlice(out.orths, keep, count, NULL) == 0)
                    entry = tokens_of_piece(cache, tokens_of, both); /* as tokens_of: cache first */
                if (entry == NULL) {
                    Py_DECREF(chunk);
                    goto done;
                }
            }
        }
        Py_XSETREF(region, chunk); /* the reference to chunk moves to region */
        region_tokens = PyTuple_GET_SIZE(PyTuple_GET_ITEM(entry, 0));
        int failed = extend_tokens(&out, entry);
        Py_DECREF(entry);
        if (failed)
            goto done;
        if (k - j == 1 && PyUnicode_READ(kind, data, j) == ' ') {
            if (set_last_space(spaces) < 0)
                goto done;
        } else if (k > j) {
            Py_ssize_t b = j;
            if (PyUnicode_READ(kind, data, j) == ' ') { /* that token's trailing space */
                if (set_last_space(spaces) < 0)
                    goto done;
                b = j + 1;
            }
            Py_CLEAR(region);
            if (extend_with_piece(text, b, k, cache, tokens_of, &out) < 0)
                goto done;
        }
        i = k;
    }
    result = PyTuple_Pack(3, words, spaces, out.orths);
done:
    Py_XDECREF(region);
    Py_XDECREF(words);
    Py_XDECREF(spaces);
    Py_XDECREF(out.orths);
    return result;
}

static PyMethodDef methods[] = {
    {"make_words", make_words, METH_VARARGS, make_words_doc},
    {"rows", rows, METH_VARARGS, rows_doc},
    {"chunks", chunks, METH_VARARGS, chunks_doc},
    {"spaced_rows", spaced_rows, METH_VARARGS, spaced_rows_doc},
    {"chunk_tokens", chunk_tokens, METH_VARARGS, chunk_tokens_doc},
    {"word_starts", word_starts, METH_VARARGS, word_starts_doc},
    {"digits_close", digits_close, METH_VARARGS, digits_close_doc},
    {"find_gutter", find_gutter, METH_VARARGS, find_gutter_doc},
    {"make_lines", make_lines, METH_VARARGS, make_lines_doc},
    {"split_at_wide_rows", split_at_wide_rows, METH_VARARGS, split_at_wide_rows_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_objects",
    "Python objects made in C for the PDF reader, the layout and the matcher (_objects.c).",
    -1, methods,
};

PyMODINIT_FUNC PyInit__objects(void) {
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddIntConstant(m, "VERSION", OBJECTS_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
