"""The compiled loops (`_native.c`), when the install could build them: PDFium's calls per
character and per word and the word model (read/pdf_pdfium.py, read/words.py), the competency
classifier's n-gram hashing and TF-IDF product (skills/fastpath.py), and the near-duplicate
signature's shingles, hashes and minima (understand/applicants.py).

hatch_build.py compiles `_native.c` into `_native.so` beside this file when a C compiler is
there. It holds no Python API: it is loaded with ctypes, and each loop has a Python twin that
runs when the library is missing (no compiler at install time, or PIPELINE_NO_C=1 in the
environment) and gives the same results. A library of another version than this module
expects (a stale build) is not used.

`objects()` loads the other compiled file, the extension module built from `_objects.c`
(Python objects made in C: a PDF page's Word records, the layout's rows, chunks, gutter and
lines, the matcher's tokens, where redact.neutralise's words start, whether a
line holds a phone number's digits), on the same terms.
"""

from __future__ import annotations

import ctypes
import functools
import os
from pathlib import Path

VERSION = 9  # NATIVE_VERSION in _native.c
OBJECTS_VERSION = 4  # OBJECTS_VERSION in _objects.c
FILE = "_native.so"
KIND_TABLE = 0x3100  # code points the loops classify themselves (whitespace ends at U+3000)


@functools.cache
def code_kinds():
    """For each code point below KIND_TABLE: bit 0 if str.split() splits there, bit 1 if the
    regex \\w matches it (str.isalnum(), or "_"), as Python decides both; a numpy array of
    uint8 for the n-gram and shingle loops, which leave other code points to Python."""
    import numpy as np

    chars = [chr(c) for c in range(KIND_TABLE)]
    return np.array([c.isspace() | (c.isalnum() or c == "_") << 1 for c in chars], dtype=np.uint8)


@functools.cache
def library() -> ctypes.CDLL | None:
    """The loaded library with its functions declared, or None."""
    path = Path(__file__).with_name(FILE)
    if os.environ.get("PIPELINE_NO_C") == "1" or not path.is_file():
        return None
    try:
        lib = ctypes.CDLL(str(path))
        lib.native_version.restype = ctypes.c_int
        if lib.native_version() != VERSION:
            return None
    except (OSError, AttributeError):
        return None
    pointer, size = ctypes.c_void_p, ctypes.c_int64
    lib.char_boxes.argtypes = (pointer, pointer, pointer, size, pointer)
    lib.char_boxes.restype = None
    lib.text_looks.argtypes = (pointer, pointer, pointer, pointer, pointer, size) + (pointer,) * 3
    lib.text_looks.restype = None
    lib.char_styles.argtypes = (pointer,) * 6 + (size,) + (pointer,) * 4
    lib.char_styles.restype = None
    lib.word_spans.argtypes = (size,) + (pointer,) * 10
    lib.word_spans.restype = size
    lib.hashed_columns.argtypes = (pointer, pointer) + (size,) * 5 + (pointer, size, pointer)
    lib.hashed_columns.argtypes += (size, pointer)
    lib.hashed_columns.restype = size
    lib.expit.argtypes = (pointer, pointer, size, size, pointer)
    lib.expit.restype = None
    lib.tfidf_product.argtypes = (size,) + (pointer,) * 5 + (size, pointer)
    lib.tfidf_product.restype = size
    lib.shingle_minhash.argtypes = (pointer, size, size, pointer, size, size) + (pointer,) * 2
    lib.shingle_minhash.argtypes += (size, pointer)
    lib.shingle_minhash.restype = size
    return lib


@functools.cache
def objects():
    """The extension module `_objects` (see the module's docstring), or None when it was not
    built, is of another version, or PIPELINE_NO_C=1 is set: the Python code it stands for
    runs then."""
    if os.environ.get("PIPELINE_NO_C") == "1":
        return None
    import importlib

    try:
        module = importlib.import_module(f"{__package__}._objects")
    except ImportError:
        return None
    return module if getattr(module, "VERSION", None) == OBJECTS_VERSION else None


def address(function) -> int:
    """The address of a ctypes function (to hand to the library's PDFium loops)."""
    value = ctypes.cast(function, ctypes.c_void_p).value
    if not value:
        raise RuntimeError("a PDFium function has no address")
    return value
