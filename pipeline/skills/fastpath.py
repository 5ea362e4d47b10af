"""The sentence classifier's arithmetic without scikit-learn's per-call overhead, same numbers.

The shipped model is hashed word 1-2 grams and character 2-5 grams (within words), TF-IDF
weighted, and one logistic regression per competency. scikit-learn spends most of a resume's
time building the character n-grams of every unit in Python and hashing them one by one,
then in ten estimator calls. Here

- a word's hashed character n-grams are computed once and kept (a bounded cache), so a
  unit's counts are the concatenation of its words' columns;
- single words' columns are cached too; longer word n-grams, and whatever is new, are hashed
  with MurmurHash3 (the hash HashingVectorizer uses) by the `mmh3` package;
- every unit of a document goes through one sparse product with the ten stacked weight
  columns.

Each step does what scikit-learn does in the same floating-point order (counts, then
1 + log tf, idf, row l2 norm summed in index order, the parts side by side, one CSR
product, expit), so
the probabilities are equal bit for bit; tests/test_fastpath.py checks it against
scikit-learn, the golden tests on whole documents. A model of any other structure keeps
scikit-learn's path. With the compiled library (pipeline/_native.c) the n-grams are cut and
hashed, counted, weighted and multiplied in C, in the same order (tests/test_native.py).

The arrays (hashing parameters, idf, stacked weights) can be saved next to a model as
`linear.npz`, with its sha256 in meta.json: a model loaded from them needs neither skops nor
scikit-learn at run time (two seconds of imports), only numpy and scipy.
    python -m pipeline.skills.fastpath models/competency/2.0.0
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
from itertools import islice
from pathlib import Path
from typing import Any

import mmh3
import numpy as np

from .. import native
from ..read.words import codes_of

CACHE_LIMIT = 40_000  # entries per cache (memory stays bounded over a long run)
# Documents a process classifies with numpy's product before it imports scipy.sparse for the
# rest (numpy's costs about 1.5 ms more per document; the import, 0.12 s: about 80 documents).
NUMPY_PRODUCT_DOCUMENTS = 64


DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's: runs of 2+ word characters


def evict_oldest(cache: dict, limit: int) -> None:
    """Keep a cache under `limit` entries: when over, the oldest quarter goes (dicts keep
    insertion order; an entry used again after eviction comes back as a new one)."""
    if len(cache) > limit:
        for key in list(islice(cache, len(cache) // 4)):
            del cache[key]


def murmurhash3_32(texts: list[str]) -> np.ndarray:
    """Signed 32-bit MurmurHash3 (x86, seed 0) of each text's UTF-8 bytes, the hash
    HashingVectorizer uses, by the `mmh3` package (a tenth of a microsecond a text). The
    texts are encoded here, strictly, so a lone surrogate raises UnicodeEncodeError as in
    scikit-learn: mmh3 is never handed a `str` (one with a lone surrogate crashes it)."""
    return np.fromiter(map(mmh3.hash, map(str.encode, texts)), np.int32, len(texts))


def buckets(texts: list[str], n_features: int) -> np.ndarray:
    """HashingVectorizer's column of each n-gram: |hash| mod n_features (|-2^31| = 2^31)."""
    if not texts:
        return np.zeros(0, dtype=np.int64)
    return np.abs(murmurhash3_32(texts).astype(np.int64)) % n_features


class _Part:
    """One hashed TF-IDF part of the feature union (word or char_wb n-grams)."""

    def __init__(self, params: dict[str, Any], idf: np.ndarray) -> None:
        self.n_features = int(params["n_features"])
        self.lowercase = bool(params["lowercase"])
        word = params["analyzer"] == "word"
        self.token_pattern = params["token_pattern"]
        self.tokenize = re.compile(self.token_pattern).findall if word else None
        self.min_n, self.max_n = params["ngram_range"]
        self.idf = np.asarray(idf, dtype=np.float64)
        self.cache: dict[str, Any] = {}
        self._logs = np.zeros(0)

    def preprocess(self, text: str) -> str:
        return text.lower() if self.lowercase else text

    def columns(self, texts: list[str]):
        """(columns, lengths): every unit's n-gram columns one unit after another, and how
        many each unit has."""
        evict_oldest(self.cache, CACHE_LIMIT)
        if self.tokenize is None:
            return self._char_buckets(texts)
        return self._word_buckets(texts)

    def native_columns(self, library, texts: list[str], shared: dict | None = None):
        """columns() by the compiled `hashed_columns` (pipeline/_native.c), the n-grams cut
        and hashed in C: the same columns per unit, in another order. `shared` (one dict per
        call over the same texts) keeps the encoded units by `lowercase`. None when it cannot
        say: a code point at or above native.KIND_TABLE (CJK, emoji) or a lone surrogate (the
        Python path then hashes, or raises as scikit-learn does), or a token pattern other
        than scikit-learn's default."""
        word = self.tokenize is not None
        if word and self.token_pattern != DEFAULT_TOKEN_PATTERN:
            return None
        if shared is not None and self.lowercase in shared:
            codes, starts, units = shared[self.lowercase]
        else:
            units = [self.preprocess(text) for text in texts]
            joined = "".join(units)
            codes = codes_of(joined)
            starts = np.zeros(len(units) + 1, dtype=np.int64)
            np.cumsum([len(unit) for unit in units], out=starts[1:])
            if shared is not None:  # another part of the same call, preprocessed alike
                shared[self.lowercase] = codes, starts, units
        # At most (max_n - min_n + 1) n-grams per code point and padding space of a unit.
        capacity = (self.max_n - self.min_n + 1) * (3 * len(codes) + 2)
        out = np.empty(capacity, dtype=np.int64)
        lengths = np.zeros(len(units), dtype=np.int64)
        kinds = native.code_kinds()
        count = library.hashed_columns(
            codes.ctypes.data, starts.ctypes.data, len(units), int(word), self.min_n,
            self.max_n, self.n_features, kinds.ctypes.data, len(kinds), out.ctypes.data,
            capacity, lengths.ctypes.data,
        )  # fmt: skip
        if count < 0:
            return None
        return out[:count], lengths

    def log_table(self, most: int) -> np.ndarray:
        """numpy's log of 0, 1, ..., most (at least) as float64, for the compiled product: the
        same function as transform's np.log of the counts. log(0) is never read."""
        table = self._logs
        if len(table) <= most:
            size = max(most + 1, 2 * len(table))
            with np.errstate(divide="ignore"):
                table = self._logs = np.log(np.arange(size, dtype=np.float64))
        return table

    def counts(self, texts: list[str]):
        """(data, indices, indptr) of the count matrix, indices sorted within each row."""
        flat, lengths = self.columns(texts)
        # (row, column) keys, 32-bit when they fit: sorting them is then half the work.
        small = len(texts) * self.n_features < 2**31
        key_type = np.int32 if small else np.int64
        row_of = np.repeat(np.arange(len(texts), dtype=key_type), lengths)
        keys, counts = np.unique(
            row_of * self.n_features + flat.astype(key_type), return_counts=True
        )
        indices = (keys % self.n_features).astype(np.int32)
        indptr = np.searchsorted(keys // self.n_features, np.arange(len(texts) + 1))
        return counts.astype(np.float64), indices, indptr.astype(np.int32)

    def _char_buckets(self, texts: list[str]):
        """char_wb: a word's n-grams do not depend on its neighbours, so they are cached."""
        cache = self.cache
        words = [self.preprocess(text).split() for text in texts]
        new = {w for unit in words for w in unit if w not in cache}
        if new:
            new_words = sorted(new)
            grams = [self._char_ngrams(w) for w in new_words]
            flat = buckets([g for gs in grams for g in gs], self.n_features)
            ends = np.cumsum([len(gs) for gs in grams]).tolist()
            for w, start, end in zip(new_words, [0, *ends[:-1]], ends, strict=True):
                cache[w] = flat[start:end]
        pieces = [cache[w] for unit in words for w in unit]
        lengths = [sum(len(cache[w]) for w in unit) for unit in words]
        flat = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        return flat, lengths

    def _char_ngrams(self, word: str) -> list[str]:
        """n-grams of " word " for n = min_n..max_n; a padded word no longer than n is one
        n-gram, counted once."""
        padded = f" {word} "
        grams = []
        for n in range(self.min_n, self.max_n + 1):
            if len(padded) <= n:
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return grams

    def _word_buckets(self, texts: list[str]):
        """Word n-grams: single tokens' columns are cached; longer n-grams, mostly seen once,
        are hashed together, once per document (caching them would churn the cache)."""
        cache, tokenize = self.cache, self.tokenize
        assert tokenize is not None
        singles = self.min_n == 1
        units = [tokenize(self.preprocess(text)) for text in texts]
        longer: list[list[str]] = []
        for tokens in units:
            grams: list[str] = []
            for n in range(max(self.min_n, 2), self.max_n + 1):
                shifted = (tokens[k:] for k in range(n))  # n-grams end with the shortest
                grams.extend(map(" ".join, zip(*shifted, strict=False)))
            longer.append(grams)
        if singles:
            new = sorted({t for tokens in units for t in tokens if t not in cache})
            if new:
                cache.update(zip(new, buckets(new, self.n_features).tolist(), strict=True))
        hashed = buckets([g for grams in longer for g in grams], self.n_features).tolist()
        flat: list[int] = []
        at = 0
        for tokens, grams in zip(units, longer, strict=True):
            if singles:
                flat.extend([cache[t] for t in tokens])
            flat.extend(hashed[at : at + len(grams)])
            at += len(grams)
        lengths = [(len(t) if singles else 0) + len(g) for t, g in zip(units, longer, strict=True)]
        return np.array(flat, dtype=np.int64), lengths

    def transform(self, texts: list[str]):
        """TF-IDF rows as TfidfTransformer(sublinear_tf=True, norm="l2") computes them, as
        CSR arrays (data, indices, indptr)."""
        data, indices, indptr = self.counts(texts)
        np.log(data, data)
        data += 1.0
        data *= self.idf[indices]
        norms = np.sqrt(_sequential_row_sums(data * data, indptr))
        norms[norms == 0.0] = 1.0
        data /= np.repeat(norms, np.diff(indptr))
        return data, indices, indptr


def _sequential_row_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Each CSR row's values added one after another in index order, as scikit-learn's
    normaliser adds them (numpy's sum adds in pairs: other roundings). `np.bincount` with
    weights adds each value to its row's bin in the order given, starting from zero."""
    rows = len(indptr) - 1
    row_of = np.repeat(np.arange(rows), np.diff(indptr))
    return np.bincount(row_of, weights=values, minlength=rows)


def _logistic(x: float) -> float:
    try:
        return 1.0 / (1.0 + math.exp(-x))
    except OverflowError:  # exp(-x) beyond the largest double: 1 / (1 + inf)
        return 0.0


def _expit(values: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) with the C library's exp, as scipy.special.expit computes it, without
    importing scipy.special (a sixth of a second at start-up, for one function); numpy's
    own vectorised exp differs from it in the last bit for a few inputs."""
    flat = values.ravel().tolist()
    out = np.fromiter(map(_logistic, flat), dtype=np.float64, count=len(flat))
    return out.reshape(values.shape)


class FastLinear:
    """Probabilities of a word+char hashed TF-IDF union under one-vs-rest binary logistic
    regressions, equal to `pipeline.predict_proba`."""

    def __init__(self, parts: list[_Part], weights: Any, bias: Any) -> None:
        self.parts = parts
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)  # (features, competencies)
        self.bias = np.asarray(bias, dtype=np.float64)
        self.documents = 0  # predict_proba calls so far (one per document in a profile)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """The texts' probabilities. The sparse product is scipy's for a long run; the first
        documents of a process use numpy's (`_bincount_product`, the same sums bit for bit,
        slower per document) unless scipy.sparse is loaded already, so that screening one
        file does not wait for scipy.sparse's import (an eighth of a second)."""
        library = native.library()
        if library is not None:
            sums = self._native_product(library, texts)
            if sums is not None:
                out = np.empty_like(sums)
                rows, width = sums.shape
                bias = np.ascontiguousarray(self.bias, dtype=np.float64)
                library.expit(sums.ctypes.data, bias.ctypes.data, rows, width, out.ctypes.data)
                return out
        pieces = [part.transform(texts) for part in self.parts]
        self.documents += 1
        if self.documents <= NUMPY_PRODUCT_DOCUMENTS and "scipy.sparse" not in sys.modules:
            sums = self._bincount_product(pieces, len(texts))
        else:
            sums = self._scipy_product(pieces, len(texts))
        return _expit(sums + self.bias)

    def _native_product(self, library, texts: list[str]) -> np.ndarray | None:
        """The decision values by the compiled `tfidf_product` (pipeline/_native.c): each
        part's counts, TF-IDF rows and product with its block of weights in one call, in the
        order of transform and _scipy_product. None when the library ran out of memory."""
        rows, width = len(texts), self.weights.shape[1]
        sums = np.zeros((rows, width))
        offset = 0
        shared: dict = {}
        for part in self.parts:
            found = part.native_columns(library, texts, shared)
            flat, lengths = found if found is not None else part.columns(texts)
            columns = np.ascontiguousarray(flat, dtype=np.int64)
            starts = np.zeros(rows + 1, dtype=np.int64)
            np.cumsum(lengths, out=starts[1:])
            logs = part.log_table(max(lengths, default=0))
            block = self.weights[offset : offset + part.n_features]  # rows: a contiguous view
            pointers = (a.ctypes.data for a in (starts, columns, logs, part.idf, block, sums))
            *inputs, weights, out = pointers
            if library.tfidf_product(rows, *inputs, weights, width, out) != 0:
                return None
            offset += part.n_features
        return sums

    def _scipy_product(self, pieces: list, rows: int) -> np.ndarray:
        """The parts' products added into one result by scipy's own kernel (csr_matvecs,
        what `csr_matrix @ dense` calls): it adds each row's terms to what the result row
        holds, one after another, so the word part and then the character part added into
        the same rows are the sums of the parts side by side, bit for bit, without building
        that matrix. numpy's product stands in if scipy ever moves the kernel."""
        try:
            from scipy.sparse._sparsetools import csr_matvecs
        except ImportError:
            return self._bincount_product(pieces, rows)
        width = self.weights.shape[1]
        sums = np.zeros((rows, width))
        offset = 0
        for (data, indices, indptr), part in zip(pieces, self.parts, strict=True):
            block = self.weights[offset : offset + part.n_features]  # rows: a contiguous view
            csr_matvecs(
                rows, part.n_features, width, indptr, indices, data, block.ravel(), sums.ravel()
            )
            offset += part.n_features
        return sums

    def _bincount_product(self, pieces: list, rows: int) -> np.ndarray:
        """scipy's csr_matvecs adds a row's terms (value x weight) to zero one after another,
        in the order of the parts side by side (the row's word entries, then its character
        entries, each in index order). `np.bincount` adds each weight to its bin in the order
        given: with one bin per (row, competency) and the parts' terms one part after the
        other, every bin gets the same additions in the same order."""
        width = self.weights.shape[1]
        bins, terms = [], []
        offset = 0
        for (data, indices, indptr), part in zip(pieces, self.parts, strict=True):
            first_bin = np.repeat(np.arange(rows) * width, np.diff(indptr))
            bins.append((first_bin[:, None] + np.arange(width)).ravel())
            terms.append((data[:, None] * self.weights[indices + offset]).ravel())
            offset += part.n_features
        sums = np.bincount(np.concatenate(bins), np.concatenate(terms), minlength=rows * width)
        return sums.reshape(rows, width)

    @classmethod
    def from_arrays(cls, arrays) -> FastLinear:
        params = json.loads(str(arrays["params"]))
        parts = [_Part(p, arrays[f"idf{i}"]) for i, p in enumerate(params)]
        return cls(parts, arrays["weights"], arrays["bias"])


def linear_arrays(pipeline: Any) -> dict[str, np.ndarray] | None:
    """The fast path's arrays for a pipeline of the shipped structure, or None for any other."""
    try:
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
        from sklearn.linear_model import LogisticRegression

        union = pipeline.named_steps["features"]
        classify = pipeline.named_steps["classify"]
        params, arrays = [], {}
        for i, (_, step) in enumerate(union.transformer_list):
            hashing, tfidf = step.named_steps["hash"], step.named_steps["tfidf"]
            plain = (
                type(hashing) is HashingVectorizer
                and type(tfidf) is TfidfTransformer
                and hashing.analyzer in ("word", "char_wb")
                and not hashing.alternate_sign
                and hashing.norm is None
                and hashing.binary is False
                and hashing.stop_words is None
                and hashing.strip_accents is None
                and hashing.preprocessor is None
                and hashing.tokenizer is None
                and hashing.input == "content"
                and hashing.decode_error == "strict"
                and hashing.dtype == np.float64
                and tfidf.sublinear_tf
                and tfidf.norm == "l2"
                and tfidf.use_idf
            )
            if not plain or union.transformer_weights:
                return None
            params.append(
                {
                    "analyzer": hashing.analyzer,
                    "ngram_range": list(hashing.ngram_range),
                    "n_features": int(hashing.n_features),
                    "lowercase": bool(hashing.lowercase),
                    "token_pattern": hashing.token_pattern,
                }
            )
            arrays[f"idf{i}"] = np.asarray(tfidf.idf_, dtype=np.float64)
        columns, bias = [], []
        for estimator in classify.estimators_:
            if type(estimator) is not LogisticRegression or len(estimator.classes_) != 2:
                return None
            columns.append(np.asarray(estimator.coef_).ravel())
            bias.append(float(np.ravel(estimator.intercept_)[0]))
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    arrays["weights"] = np.column_stack(columns)  # float32 coefficients stay float32 here
    arrays["bias"] = np.array(bias, dtype=np.float64)
    arrays["params"] = np.array(json.dumps(params))
    return arrays


def fast_linear(pipeline: Any) -> FastLinear | None:
    """The fast path for a pipeline of the shipped structure, or None for any other."""
    arrays = linear_arrays(pipeline)
    return None if arrays is None else FastLinear.from_arrays(arrays)


LINEAR = "linear.npz"


def write_linear(folder: Path) -> str | None:
    """Write `linear.npz` for the model in `folder` and record its sha256 in meta.json;
    returns the sha256, or None when the model has another structure."""
    import io

    from .classify import load_model

    model = load_model(folder, fast=False)
    arrays = linear_arrays(model.pipeline)
    if arrays is None:
        return None
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    blob = buffer.getvalue()
    (folder / LINEAR).write_bytes(blob)
    digest = hashlib.sha256(blob).hexdigest()
    meta = dict(model.meta, linear=LINEAR, linear_sha256=digest)
    (folder / "meta.json").write_text(
        json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return digest


def load_linear(folder: Path, meta: dict[str, Any]) -> FastLinear | None:
    """The fast path saved next to a model, when meta.json names it and its sha256 matches."""
    name, expected = meta.get("linear"), meta.get("linear_sha256")
    if not name or not expected:
        return None
    try:
        blob = (folder / name).read_bytes()
    except OSError:
        return None
    if hashlib.sha256(blob).hexdigest() != expected:
        return None  # a modified file is not used; the checked artifact is loaded instead
    import io

    with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
        return FastLinear.from_arrays({k: arrays[k] for k in arrays.files})


if __name__ == "__main__":
    import sys

    for arg in sys.argv[1:]:
        print(arg, write_linear(Path(arg)))
