"""The sentence classifier's arithmetic without scikit-learn's per-call overhead, same numbers.

The shipped model is hashed word 1-2 grams and character 2-5 grams (within words), TF-IDF
weighted, and one logistic regression per competency. scikit-learn spends most of a resume's
time building the character n-grams of every unit in Python and hashing them one by one,
then in ten estimator calls. Here

- a word's hashed character n-grams are computed once and kept (a bounded cache), so a
  unit's counts are the concatenation of its words' buckets;
- word n-grams are hashed through a bounded cache of n-gram -> bucket;
- every unit of a document goes through one sparse product with the ten stacked weight
  columns.

Each step does what scikit-learn does in the same floating-point order (counts, then
1 + log tf, idf, row l2 norm in index order, one hstack, one CSR product, expit), so the
probabilities are equal bit for bit; tests/test_classify.py checks it on generated text and
`make golden` on the examples. A model of any other structure keeps scikit-learn's path.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils import murmurhash3_32

CACHE_LIMIT = 50_000  # entries per cache; a full cache is emptied (memory stays bounded)


def _bucket(text: str, n_features: int) -> int:
    """HashingVectorizer's bucket of one n-gram (signed murmurhash3, seed 0)."""
    h = murmurhash3_32(text, seed=0)
    if h == -(2**31):
        return (2**31 - 1 - (n_features - 1)) % n_features
    return abs(h) % n_features


class _Part:
    """One hashed TF-IDF part of the feature union (word or char_wb n-grams)."""

    def __init__(self, hashing: Any, tfidf: Any) -> None:
        self.n_features = int(hashing.n_features)
        self.preprocess = hashing.build_preprocessor()
        self.tokenize = hashing.build_tokenizer() if hashing.analyzer == "word" else None
        self.min_n, self.max_n = hashing.ngram_range
        self.idf = np.asarray(tfidf.idf_, dtype=np.float64)
        self.cache: dict[str, Any] = {}

    def counts(self, texts: list[str]):
        """(data, indices, indptr) of the count matrix, indices sorted within each row."""
        if len(self.cache) > CACHE_LIMIT:
            self.cache.clear()
        if self.tokenize is None:
            flat, lengths = self._char_buckets(texts)
        else:
            flat, lengths = self._word_buckets(texts)
        row_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        keys, counts = np.unique(row_of * self.n_features + flat, return_counts=True)
        indices = (keys % self.n_features).astype(np.int32)
        indptr = np.searchsorted(keys // self.n_features, np.arange(len(texts) + 1))
        return counts.astype(np.float64), indices, indptr.astype(np.int32)

    def _char_buckets(self, texts: list[str]):
        """char_wb: a word's n-grams do not depend on its neighbours, so they are cached."""
        cache, n_features = self.cache, self.n_features
        pieces, lengths = [], []
        for text in texts:
            length = 0
            for word in self.preprocess(text).split():
                found = cache.get(word)
                if found is None:
                    grams = self._char_ngrams(word)
                    found = cache[word] = np.array(
                        [_bucket(g, n_features) for g in grams], dtype=np.int64
                    )
                pieces.append(found)
                length += len(found)
            lengths.append(length)
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
        """Word n-grams: single tokens' buckets are cached, longer n-grams (mostly seen once)
        are hashed each time."""
        cache, n_features, tokenize = self.cache, self.n_features, self.tokenize
        assert tokenize is not None
        flat: list[int] = []
        lengths = []
        for text in texts:
            tokens = tokenize(self.preprocess(text))
            before = len(flat)
            if self.min_n == 1:
                for token in tokens:
                    found = cache.get(token)
                    if found is None:
                        found = cache[token] = _bucket(token, n_features)
                    flat.append(found)
            for n in range(max(self.min_n, 2), self.max_n + 1):
                flat.extend(
                    _bucket(" ".join(tokens[i : i + n]), n_features)
                    for i in range(len(tokens) - n + 1)
                )
            lengths.append(len(flat) - before)
        return np.array(flat, dtype=np.int64), lengths

    def transform(self, texts: list[str]):
        """TF-IDF rows as TfidfTransformer(sublinear_tf=True, norm="l2") computes them."""
        from scipy import sparse
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        data, indices, indptr = self.counts(texts)
        np.log(data, data)
        data += 1.0
        data *= self.idf[indices]
        matrix = sparse.csr_matrix(
            (data, indices, indptr), shape=(len(texts), self.n_features), copy=False
        )
        inplace_csr_row_normalize_l2(matrix)
        return matrix


class FastLinear:
    """Probabilities of a word+char hashed TF-IDF union under one-vs-rest binary logistic
    regressions, equal to `pipeline.predict_proba`."""

    def __init__(self, parts: list[_Part], weights: Any, bias: Any) -> None:
        self.parts = parts
        self.weights = weights  # (features, competencies) float64
        self.bias = bias

    def predict_proba(self, texts: list[str]):
        from scipy import sparse
        from scipy.special import expit

        features = sparse.hstack([part.transform(texts) for part in self.parts], format="csr")
        decision = features @ self.weights + self.bias
        return expit(decision)


def fast_linear(pipeline: Any) -> FastLinear | None:
    """The fast path for a pipeline of the shipped structure, or None for any other."""
    try:
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
        from sklearn.linear_model import LogisticRegression

        union = pipeline.named_steps["features"]
        classify = pipeline.named_steps["classify"]
        parts = []
        for _, step in union.transformer_list:
            hashing, tfidf = step.named_steps["hash"], step.named_steps["tfidf"]
            plain = (
                type(hashing) is HashingVectorizer
                and type(tfidf) is TfidfTransformer
                and hashing.analyzer in ("word", "char_wb")
                and not hashing.alternate_sign
                and hashing.norm is None
                and hashing.binary is False
                and hashing.stop_words is None
                and hashing.input == "content"
                and hashing.decode_error == "strict"
                and hashing.dtype == np.float64
                and tfidf.sublinear_tf
                and tfidf.norm == "l2"
                and tfidf.use_idf
                and (hashing.analyzer == "word" or hashing.tokenizer is None)
            )
            if not plain or union.transformer_weights:
                return None
            parts.append(_Part(hashing, tfidf))
        columns, bias = [], []
        for estimator in classify.estimators_:
            if type(estimator) is not LogisticRegression or len(estimator.classes_) != 2:
                return None
            columns.append(np.asarray(estimator.coef_).astype(np.float64).ravel())
            bias.append(float(np.ravel(estimator.intercept_)[0]))
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    return FastLinear(parts, np.column_stack(columns), np.array(bias))
