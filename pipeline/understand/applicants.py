"""The same applicant twice: files of one person grouped by contact details or near-identical
text (an updated resume, the PDF of the same DOCX).

Pure functions, no I/O:
- `text_signature(lines)`: a MinHash signature of a resume's word shingles, kept in the
  Profile (a tuple of integers: the text cannot be read back from it);
- `normalise_email`, `normalise_phone`: the keys two files of one person share;
- `group_applicants(applicants)`: groups by shared e-mail, shared phone, or an estimated
  Jaccard similarity of the texts at or above `TEXT_THRESHOLD`; in each group the latest file
  (greatest `order`, e.g. (modification time, name)) is the one to score, and every other file
  is "the same applicant as" it, with the evidence that links it.

Byte-identical files are not this module's business (the run lists them as duplicates first).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from .. import native

__all__ = [
    "Applicant",
    "ApplicantGroup",
    "Link",
    "estimated_jaccard",
    "group_applicants",
    "normalise_email",
    "normalise_phone",
    "shingles",
    "text_signature",
]

SHINGLE_WORDS = 5  # words per shingle
PERMUTATIONS = 128  # MinHash functions: the Jaccard estimate's standard error is <= 0.045
MIN_SHINGLES = 40  # shorter texts (a few lines) are not compared by text: too little to tell
# Estimated Jaccard at or above this: the same resume, edited. Measured (benchmarks/
# same_applicant.py): edited versions of short generated resumes (a new job, a bullet, dates)
# score 0.45-0.9; other people on the same template with bullets from one pool at most 0.31;
# the 166 real resumes of different people in kaggle-resumes at most 0.13.
TEXT_THRESHOLD = 0.5
MAX_SHARED = 4  # an e-mail or phone on more applicants than this is a shared one (an agency,
# a template's placeholder), not evidence of one person

_PRIME = (1 << 31) - 1  # a Mersenne prime: (a*x + b) mod p with a, b, x < p fits in 64 bits


def _permutations() -> tuple[tuple[int, int], ...]:
    """Fixed (a, b) pairs for h(x) = (a*x + b) mod p, 0 < a < p, 0 <= b < p: derived from a
    hash, so a signature is the same in every process and every release that keeps these
    constants."""
    out = []
    for i in range(PERMUTATIONS):
        digest = hashlib.blake2b(f"minhash-{i}".encode(), digest_size=8).digest()
        a = int.from_bytes(digest[:4], "little") % (_PRIME - 1) + 1
        b = int.from_bytes(digest[4:], "little") % _PRIME
        out.append((a, b))
    return tuple(out)


_PERMS = _permutations()


@cache
def _perm_arrays():
    """(a, b) as numpy arrays, made on first use (importing this module stays light)."""
    import numpy as np

    return (
        np.array([a for a, _ in _PERMS], dtype=np.uint64),
        np.array([b for _, b in _PERMS], dtype=np.uint64),
    )


_WORD = re.compile(r"\w+")


def shingles(lines: Iterable[str], k: int = SHINGLE_WORDS) -> set[str]:
    """The set of k-word shingles of the text, lowercased (punctuation and layout ignored)."""
    return _shingles_of(" ".join(lines).lower(), k)


def _shingles_of(text: str, k: int) -> set[str]:
    words = _WORD.findall(text)
    # k words from each word on: zip stops at the shortest list, the one from word k - 1 on.
    return set(map(" ".join, zip(*(words[i:] for i in range(k)), strict=False)))


def text_signature(lines: Iterable[str]) -> tuple[int, ...]:
    """The MinHash signature of a text's shingles; () for a text too short to compare."""
    import numpy as np

    text = " ".join(lines).lower()
    a, b = _perm_arrays()
    library = native.library()
    if library is not None:  # the same from the text, compiled (pipeline/_native.c)
        from ..read.words import codes_of

        codes, kinds = codes_of(text), native.code_kinds()
        out = np.empty(len(a), dtype=np.uint64)
        pointers = (a.ctypes.data, b.ctypes.data, len(a), out.ctypes.data)
        head = (codes.ctypes.data, len(codes), SHINGLE_WORDS, kinds.ctypes.data, len(kinds))
        found = library.shingle_minhash(*head, MIN_SHINGLES, *pointers)
        if found >= 0:
            return tuple(out.tolist()) if found >= MIN_SHINGLES else ()
    return _signature(_shingles_of(text, SHINGLE_WORDS), a, b)


def _signature(found: set[str], a, b) -> tuple[int, ...]:
    """The MinHash signature of a set of shingles, in numpy (the compiled path's twin, and
    the path for texts in scripts its table does not cover)."""
    import numpy as np

    if len(found) < MIN_SHINGLES:
        return ()
    digest = hashlib.blake2b
    # Each shingle's 8-byte blake2b digest read as a little-endian integer; the minimum below
    # does not depend on the shingles' order.
    digests = b"".join([digest(s.encode(), digest_size=8).digest() for s in found])
    hashes = np.frombuffer(digests, dtype="<u8").astype(np.uint64) % np.uint64(_PRIME)
    values = np.multiply(a[:, None], hashes[None, :])
    values += b[:, None]
    return tuple(_mod_prime(values).min(axis=1).tolist())


def _mod_prime(values):
    """values % _PRIME for uint64 values below 2^63, by folding the bits above the 31st
    (2^31 = 1 mod 2^31 - 1), in place: about twice as fast as numpy's remainder on the
    signature's 128 x shingles matrix. Changes `values`; returns it."""
    import numpy as np

    prime, shift = np.uint64(_PRIME), np.uint64(31)
    low = values & prime
    values >>= shift
    values += low  # below 2^33
    np.bitwise_and(values, prime, out=low)
    values >>= shift
    values += low  # at most _PRIME + 2
    if values.size and values.max() >= prime:  # rare: a value of _PRIME .. _PRIME + 2
        np.subtract(values, prime, out=values, where=values >= prime)
    return values


def estimated_jaccard(one: Sequence[int], other: Sequence[int]) -> float:
    """The share of equal MinHash values: an estimate of the shingle sets' Jaccard index.
    Signatures are tuples or numpy arrays."""
    if len(one) == 0 or len(one) != len(other):
        return 0.0
    return sum(int(x) == int(y) for x, y in zip(one, other, strict=True)) / len(one)


def normalise_email(email: str) -> str | None:
    """Lowercase, without a "+tag" sub-address; None for something that is not an e-mail."""
    local, at, domain = email.strip().lower().rpartition("@")
    if not at or not local or "." not in domain:
        return None
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}" if local else None


def normalise_phone(phone: str) -> str | None:
    """The last nine digits (so +44 7700 900123 and 07700 900123 agree); None under seven."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return None
    return digits[-9:]


@dataclass(frozen=True, slots=True)
class Applicant:
    """One file to group: `key` is the caller's (a file name, an index); `order` sorts files
    of one person, the greatest being the latest (e.g. (mtime_ns, name))."""

    key: Hashable
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    signature: Sequence[int] = ()
    order: tuple = ()


@dataclass(frozen=True, slots=True)
class Link:
    """Why a file is the same applicant as another: a shared `email` or `phone`, or `text`
    with its estimated Jaccard similarity. `via` is the key of the file it is linked to when
    that is not the group's latest file (a chain: A shares an e-mail with B, B's text is A's)."""

    basis: str  # "email", "phone" or "text"
    similarity: float | None = None  # for "text": the estimated Jaccard, 2 decimals
    via: Hashable | None = None


@dataclass(frozen=True, slots=True)
class ApplicantGroup:
    latest: Hashable
    others: tuple[tuple[Hashable, Link], ...]  # oldest last; each with its evidence

    @property
    def keys(self) -> tuple[Hashable, ...]:
        return (self.latest, *(k for k, _ in self.others))


_BASIS_ORDER = {"email": 0, "phone": 1, "text": 2}


def group_applicants(
    applicants: Sequence[Applicant], *, threshold: float = TEXT_THRESHOLD, signatures=None
) -> list[ApplicantGroup]:
    """Groups of two or more files of one person (files alone are not returned), in the order
    of their latest file's first appearance in `applicants`. Deterministic for a given input.

    `signatures`, for many files: a numpy uint32 array whose row i is applicant i's signature
    (a row of zeros: none); the applicants' own `signature` is then not read."""
    import numpy as np

    n = len(applicants)
    if signatures is None:
        signatures = np.zeros((n, PERMUTATIONS), dtype=np.uint32)
        for i, a in enumerate(applicants):
            if len(a.signature) == PERMUTATIONS:
                signatures[i] = a.signature
    edges: dict[tuple[int, int], Link] = {}

    def link(i: int, j: int, new: Link) -> None:
        pair = (min(i, j), max(i, j))
        old = edges.get(pair)
        if old is None or _BASIS_ORDER[new.basis] < _BASIS_ORDER[old.basis]:
            edges[pair] = new

    for basis, values in (
        ("email", lambda a: {v for e in a.emails if (v := normalise_email(e))}),
        ("phone", lambda a: {v for p in a.phones if (v := normalise_phone(p))}),
    ):
        holders: dict[str, list[int]] = {}
        for i, a in enumerate(applicants):
            for value in values(a):
                holders.setdefault(value, []).append(i)
        for members in holders.values():
            if 2 <= len(members) <= MAX_SHARED:
                for i in members[1:]:
                    link(members[0], i, Link(basis))
    for i, j in _text_candidates(signatures):
        similarity = float(np.count_nonzero(signatures[i] == signatures[j])) / PERMUTATIONS
        if similarity >= threshold:
            link(i, j, Link("text", round(similarity, 2)))

    # Components of the link graph, then each member's shortest path to the latest file.
    neighbours: dict[int, list[int]] = {}
    for i, j in sorted(edges):
        neighbours.setdefault(i, []).append(j)
        neighbours.setdefault(j, []).append(i)
    seen: set[int] = set()
    groups: list[tuple[int, ApplicantGroup]] = []
    for start in range(n):
        if start in seen or start not in neighbours:
            continue
        component, stack = [], [start]
        seen.add(start)
        while stack:
            node = stack.pop()
            component.append(node)
            for other in neighbours[node]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        latest = max(component, key=lambda i: (applicants[i].order, -i))
        parent = _bfs_parents(latest, neighbours)
        others = []
        for i in sorted(component, key=lambda i: (applicants[i].order, -i), reverse=True):
            if i == latest:
                continue
            step = parent[i]
            edge = edges[(min(i, step), max(i, step))]
            via = None if step == latest else applicants[step].key
            others.append((applicants[i].key, Link(edge.basis, edge.similarity, via)))
        groups.append((latest, ApplicantGroup(applicants[latest].key, tuple(others))))
    groups.sort(key=lambda g: g[0])
    return [g for _, g in groups]


def _bfs_parents(root: int, neighbours: dict[int, list[int]]) -> dict[int, int]:
    parent = {root: root}
    queue = [root]
    for node in queue:
        for other in neighbours[node]:
            if other not in parent:
                parent[other] = node
                queue.append(other)
    return parent


MAX_BUCKET = 200  # LSH bucket size beyond which a band is boilerplate, not evidence
_ROWS = 3  # LSH: 42 bands of 3 values find a pair with Jaccard 0.5 with probability 0.996


def _text_candidates(signatures) -> set[tuple[int, int]]:
    """Pairs whose signatures agree on a whole band (locality-sensitive hashing): only these
    are compared, so grouping stays near-linear in the number of files. Files with the very
    same signature are chained to the first of them (not paired with each other), and a band
    value shared by more than `MAX_BUCKET` distinct signatures (boilerplate) is not used."""
    import numpy as np

    index = np.flatnonzero(signatures.any(axis=1))  # rows that have a signature
    if len(index) < 2:
        return set()
    if len(index) < len(signatures):
        signatures = signatures[index]
    mix = np.uint64(0x9E3779B97F4A7C15)
    # A 64-bit key per row (the very same signature), column by column: no copy of the
    # signatures, and each band's key is made in turn (memory stays near the array's size).
    whole = np.zeros(len(index), dtype=np.uint64)
    with np.errstate(over="ignore"):  # wrapping arithmetic is the point
        for column in range(PERMUTATIONS):
            whole = whole * mix + signatures[:, column].astype(np.uint64)
    pairs: set[tuple[int, int]] = set()
    _, first, inverse = np.unique(whole, return_index=True, return_inverse=True)
    for row in np.flatnonzero(first[inverse] != np.arange(len(index))):
        head = first[inverse[row]]
        if np.array_equal(signatures[head], signatures[row]):  # not a 64-bit collision
            pairs.add((int(index[head]), int(index[row])))
    distinct = np.sort(first)
    del whole, inverse
    for band in range(PERMUTATIONS // _ROWS):
        band_keys = np.zeros(len(distinct), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for column in range(band * _ROWS, (band + 1) * _ROWS):
                band_keys = band_keys * mix + signatures[distinct, column].astype(np.uint64)
        order = np.argsort(band_keys, kind="stable")
        ordered = band_keys[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        sizes = np.diff(np.r_[starts, len(ordered)])
        for start, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
            if size > MAX_BUCKET:
                continue
            members = sorted(int(index[distinct[k]]) for k in order[start : start + size])
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
    return pairs
