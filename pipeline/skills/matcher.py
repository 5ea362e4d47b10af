"""Find lexicon skills in text with spaCy's blank English tokenizer and PhraseMatchers.

Usable on its own (`SkillMatcher(lexicon).find(text)`) or inside any spaCy
pipeline as the registered component ``"skill_matcher"``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from .. import native
from .fastpath import evict_oldest
from .lexicon import ANY_CASE, EXACT_CASE, IN_CONTEXT, Lexicon

_HYPHEN_BREAK = re.compile(r"-\n(?=[a-z])")
# A chunk and the whitespace after it: spaCy's tokenizer splits text where str.isspace() changes.
_CHUNKS = re.compile(r"(\S+)(\s*)")
CHUNK_CACHE_LIMIT = 40_000  # chunks kept with their tokens (the oldest go first)
# Every new word adds a lexeme and strings to the vocab for good; once this many have been
# added, the tokenizer, vocab and matchers are built afresh, so a long run stays flat.
VOCAB_GROWTH_LIMIT = 40_000
_EXTRA_INFIXES = (
    r"(?<=[\w.+#)])[/|,;](?=[\w.#(])",  # Vue.js/React, Python,SQL, TensorFlow;Keras
    r"(?<=\w)[(\[](?=\w)",  # AWS(SageMaker)
    r"(?<=\w)[•·](?=\w)",
)


# A chunk's tokens as spaCy gives them: their texts, whether each has a trailing space, and
# their orth ids (the hashes of their texts in the vocab's string store).
_Tokens = tuple[tuple[str, ...], tuple[bool, ...], tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Match:
    skill_id: str
    start: int  # char offsets into the text given to find()
    end: int
    surface: str


class Tokenizing:
    """What a SkillMatcher reads of a spaCy pipeline, its vocab and tokenizer, built straight
    from English's defaults (what `spacy.blank("en")` would give, token for token: tested)
    without the blank pipeline around it, which builds a tokenizer of its own with the same
    1,300 special cases and reads its config through spaCy's registry (a quarter of a second
    of every worker's start). Two changes to English: the joins resumes use in skill lists
    are split (`_EXTRA_INFIXES`), and there is no URL rule (URLs and e-mails are blanked
    before matching, and the rule would keep "Vue.js/React" as one token)."""

    def __init__(self) -> None:
        from spacy.attrs import LOWER
        from spacy.lang.en import English
        from spacy.lang.lex_attrs import LEX_ATTRS
        from spacy.tokenizer import Tokenizer
        from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
        from spacy.vocab import Vocab

        defaults = English.Defaults
        prefixes, suffixes = defaults.prefixes, defaults.suffixes
        # Only the lower-case form is read (PhraseMatcher attr="LOWER", token.lower_): the other
        # lexical attributes (shape, prefix, norm ...) cost time and strings for each new word.
        self.vocab = Vocab(
            lex_attr_getters={LOWER: LEX_ATTRS[LOWER]}, writing_system=defaults.writing_system
        )
        self.tokenizer = Tokenizer(
            self.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(prefixes).search if prefixes else None,
            suffix_search=compile_suffix_regex(suffixes).search if suffixes else None,
            infix_finditer=compile_infix_regex(
                list(defaults.infixes) + list(_EXTRA_INFIXES)
            ).finditer,
            token_match=defaults.token_match,
            url_match=None,
        )

    def make_doc(self, text: str):
        return self.tokenizer(text)


def _without_special_cases(nlp):
    """The pipeline's tokenizer with no special cases (how spaCy looks for them)."""
    from spacy.tokenizer import Tokenizer

    tokenizer = nlp.tokenizer
    return Tokenizer(
        nlp.vocab,
        rules={},
        prefix_search=tokenizer.prefix_search,
        suffix_search=tokenizer.suffix_search,
        infix_finditer=tokenizer.infix_finditer,
        token_match=tokenizer.token_match,
        url_match=tokenizer.url_match,
    )


def _special_tokens(nlp) -> frozenset[str]:
    """Every token a special case of the tokenizer can produce or is looked for as: the
    pieces of multi-token special cases ("(" ":" of "(:") and of their expansions."""
    from spacy.attrs import ORTH

    rules = nlp.tokenizer.rules or {}
    pieces = {t.text for doc in _without_special_cases(nlp).pipe(rules) for t in doc}
    pieces |= {piece[ORTH] for expansion in rules.values() for piece in expansion}
    return frozenset(pieces | set(rules))


def _pieces_of_many(nlp) -> frozenset[str]:
    """The tokens of the special cases that the tokenizer without special cases splits in
    several (":" and ")" of ":)"): the only ones spaCy can find across a token boundary."""
    docs = _without_special_cases(nlp).pipe(nlp.tokenizer.rules or {})
    return frozenset(t.text for doc in docs if len(doc) > 1 for t in doc)


def flatten(text: str) -> tuple[str, list[int], list[int]]:
    """Text for the tokenizer: line breaks become spaces, and a word hyphenated at a line
    end is re-joined ("scikit-\nlearn" -> "scikit-learn").

    Returns the flat text and two parallel anchor lists mapping flat offsets back to
    offsets in ``text`` (piecewise linear, see `to_original`). spaCy tokenizes text
    full of line breaks several times slower, and misses skills wrapped over lines.
    """
    flat = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    if "-\n" not in text:
        return flat, [0], [0]  # same length: offsets map one to one
    pieces: list[str] = []
    flat_anchor: list[int] = [0]
    orig_anchor: list[int] = [0]
    last = 0
    for m in _HYPHEN_BREAK.finditer(text):
        pieces.append(flat[last : m.start() + 1])  # up to and including the hyphen
        last = m.end()
        flat_anchor.append(flat_anchor[-1] + (m.start() + 1 - orig_anchor[-1]))
        orig_anchor.append(last)
    pieces.append(flat[last:])
    return "".join(pieces), flat_anchor, orig_anchor


def to_original(pos: int, flat_anchor: list[int], orig_anchor: list[int]) -> int:
    i = bisect_right(flat_anchor, pos) - 1
    return orig_anchor[i] + (pos - flat_anchor[i])


_START = itemgetter(1)


_TOGETHER = "\n"  # between the chunks tokenized in one call (a token of its own)


def doc_tokens(doc) -> _Tokens:
    """A spaCy Doc's tokens as the chunk cache keeps them: texts, trailing spaces, orth ids."""
    return (
        tuple(t.text for t in doc),
        tuple(bool(t.whitespace_) for t in doc),
        tuple(t.orth for t in doc),
    )


class _NewChunks:
    """`SkillMatcher._tokens` for one text, which the first time it is asked for a chunk not
    in the cache first tokenizes every chunk of the text not in the cache in one call."""

    def __init__(self, matcher: SkillMatcher, text: str) -> None:
        self.matcher = matcher
        self.text: str | None = text

    def __call__(self, chunk: str) -> _Tokens:
        if self.text is not None:
            text, self.text = self.text, None
            cache = self.matcher._chunks
            new = [c for c in dict.fromkeys(text.split()) if c not in cache]
            if _TOGETHER not in self.matcher._specials_of_many:
                self.matcher._tokenize_together(new)
        return self.matcher._tokens(chunk)


class SkillMatcher:
    """Phrase matching keyed by skill id, with context rules for ambiguous aliases."""

    def __init__(self, lexicon: Lexicon, nlp=None) -> None:
        self.lexicon = lexicon
        self._own_nlp = nlp is None  # only a vocab of our own is rebuilt when it has grown
        self._chunks: dict[str, _Tokens] = {}  # strings: kept on rebuild
        self._build(nlp if nlp is not None else Tokenizing())

    def _build(self, nlp) -> None:
        from spacy.matcher import PhraseMatcher

        lexicon = self.lexicon
        self.nlp = nlp
        self._specials = _special_tokens(nlp) if self._own_nlp else None
        self._specials_of_many = _pieces_of_many(nlp) if self._own_nlp else frozenset()
        self._plain = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._exact = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self._ambiguous = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        by_mode: dict[str, dict[str, list[str]]] = {ANY_CASE: {}, EXACT_CASE: {}, IN_CONTEXT: {}}
        for skill in lexicon.skills.values():
            for alias in skill.aliases:
                by_mode[alias.mode].setdefault(skill.id, []).append(alias.text)
        for mode, matcher in (
            (ANY_CASE, self._plain),
            (EXACT_CASE, self._exact),
            (IN_CONTEXT, self._ambiguous),
        ):
            for sid, texts in by_mode[mode].items():
                matcher.add(sid, list(self.nlp.tokenizer.pipe(texts)))
        self._rules = lexicon.rules
        self._vocab_size = len(nlp.vocab)
        # The cached chunks' tokens make Docs by their orth ids, which a vocab can only look up
        # when it holds their strings: a vocab built afresh is given those of the cache.
        add = nlp.vocab.strings.add
        for pieces, _, _ in self._chunks.values():
            for piece in pieces:
                add(piece)

    def find(self, text: str) -> list[Match]:
        """All skill mentions in ``text``, longest match first where they overlap."""
        if self._own_nlp and len(self.nlp.vocab) > self._vocab_size + VOCAB_GROWTH_LIMIT:
            self._build(Tokenizing())
        flat, fa, oa = flatten(text)
        doc = self._make_doc(flat) if self._specials is not None else self.nlp.make_doc(flat)
        return [
            Match(sid, to_original(s, fa, oa), to_original(e - 1, fa, oa) + 1, surface)
            for sid, s, e, surface in self._spans(doc, flat, text, fa, oa)
        ]

    def _make_doc(self, text: str):
        """The Doc `nlp.make_doc(text)` gives, from cached tokens of each whitespace-delimited
        chunk (`_chunk_tokens`, or its compiled twin in pipeline/_objects.c). The Doc is made
        from the tokens' orth ids: spaCy then finds each token's lexeme by its id, instead of
        hashing its text again (a fifth of the time)."""
        from spacy.tokens import Doc

        evict_oldest(self._chunks, CHUNK_CACHE_LIMIT)
        tokens_of = _NewChunks(self, text)  # on the first chunk not cached: all of them at once
        made = native.objects()
        if made is not None:
            _, spaces, orths = made.chunk_tokens(text, self._chunks, self._specials, tokens_of)
        else:
            _, spaces, orths = self._chunk_tokens(text, tokens_of)
        return Doc(self.nlp.vocab, words=orths, spaces=spaces)

    def _tokenize_together(self, chunks: list[str]) -> None:
        """Cache the tokens of whitespace-free `chunks`, tokenized in one call of the tokenizer
        with a line break between each two (a call per chunk costs more than its work). A
        line break is a token of its own that no special case of more than one token holds,
        so each chunk is tokenized as on its own; a chunk whose tokens do not spell it out
        exactly is left to be tokenized alone."""
        if len(chunks) < 2:
            return
        doc = self.nlp.tokenizer(_TOGETHER.join(chunks))
        k = 0
        texts: list[str] = []
        orths: list[int] = []
        for token in doc:
            piece = token.text
            if piece == _TOGETHER and not token.whitespace_:  # between two chunks
                if "".join(texts) == chunks[k]:
                    self._chunks[chunks[k]] = tuple(texts), (False,) * len(texts), tuple(orths)
                k += 1
                texts, orths = [], []
                if k == len(chunks):
                    return
            else:
                texts.append(piece)
                orths.append(token.orth)
        if k == len(chunks) - 1 and "".join(texts) == chunks[k]:
            self._chunks[chunks[k]] = tuple(texts), (False,) * len(texts), tuple(orths)

    def _chunk_tokens(self, text: str, tokens_of=None) -> tuple[list[str], list[bool], list[int]]:
        """The texts of the tokens `nlp.make_doc(text)` gives, whether each has a trailing
        space and their orth ids, from cached tokens of each whitespace-delimited chunk: spaCy
        tokenizes chunks one by one, and a resume's chunks mostly recur (spaCy's own cache
        skips chunks touched by special cases, a third of them). One exception: spaCy looks
        for multi-token special cases ("(:", ":-)") over the whole text, so one found across
        a space can keep another from applying. Chunks whose tokens meet such pieces across a
        single space are tokenized together, as one piece of text."""
        specials = self._specials
        assert specials is not None
        cached, tokens_of = self._chunks.get, tokens_of or self._tokens
        words: list[str] = []
        spaces: list[bool] = []
        orths: list[int] = []
        region: str | None = None  # the chunks before a single space, if any
        region_tokens = 0
        body = text.lstrip()
        if len(body) < len(text):  # whitespace before the first chunk: tokens of its own
            lead_texts, lead_trailing, lead_orths = tokens_of(text[: len(text) - len(body)])
            words.extend(lead_texts)
            spaces.extend(lead_trailing)
            orths.extend(lead_orths)
        for chunk, blank in _CHUNKS.findall(body):
            texts, trailing, ids = cached(chunk) or tokens_of(chunk)
            if region is not None and words[-1] in specials and texts[0] in specials:
                del words[-region_tokens:], spaces[-region_tokens:], orths[-region_tokens:]
                chunk = f"{region} {chunk}"
                texts, trailing, ids = tokens_of(chunk)
            region, region_tokens = chunk, len(texts)
            words.extend(texts)
            spaces.extend(trailing)
            orths.extend(ids)
            if blank == " ":  # the chunk's trailing space; the next chunk may join the region
                spaces[-1] = True
            elif blank:
                if blank[0] == " ":  # a space after a token is that token's trailing space
                    spaces[-1] = True
                    blank = blank[1:]
                region = None
                texts, trailing, ids = tokens_of(blank)
                words.extend(texts)
                spaces.extend(trailing)
                orths.extend(ids)
        return words, spaces, orths

    def _tokens(self, chunk: str) -> _Tokens:
        """spaCy's tokens of a piece of text on its own: texts, trailing spaces, orth ids."""
        tokens = self._chunks.get(chunk)
        if tokens is None:
            tokens = self._chunks[chunk] = doc_tokens(self.nlp.tokenizer(chunk))
        return tokens

    def find_in_doc(self, doc) -> list[tuple[str, int, int]]:
        """Token spans (skill id, start token, end token) in an existing spaCy Doc."""
        out = []
        text = doc.text
        for sid, s, e, _ in self._spans(doc, text, text, None, None):
            span = doc.char_span(s, e)
            if span is not None:
                out.append((sid, span.start, span.end))
        return out

    def _spans(self, doc, flat: str, original: str, fa, oa) -> Iterable[tuple[str, int, int, str]]:
        """Chosen matches as (skill id, start, end, surface) in flat-text offsets."""
        strings = self.nlp.vocab.strings
        plain = [(strings[m], s, e, False) for m, s, e in self._plain(doc)]
        plain += [(strings[m], s, e, False) for m, s, e in self._exact(doc)]
        plain_tokens = {i: sid for sid, s, e, _ in plain for i in range(s, e)}
        candidates = list(plain)
        for m, s, e in self._ambiguous(doc):
            sid = strings[m]
            if self._context_ok(doc, sid, s, e, plain_tokens, original, fa, oa):
                candidates.append((sid, s, e, True))
        # Longest first, then leftmost: "Apache Spark SQL" beats "Spark".
        candidates.sort(key=lambda c: (-(c[2] - c[1]), c[1], c[0]))
        taken: set[int] = set()
        chosen = []
        for sid, s, e, _ in candidates:
            if not taken.isdisjoint(range(s, e)):
                continue
            taken.update(range(s, e))
            chosen.append((sid, s, e))
        chosen.sort(key=_START)  # chosen spans do not overlap: their starts differ
        for sid, s, e in chosen:
            start = doc[s].idx
            end = doc[e - 1].idx + len(doc[e - 1].text)
            yield sid, start, end, flat[start:end]

    def _context_ok(self, doc, sid, s, e, plain_tokens, original, fa, oa) -> bool:
        rules = self._rules

        def line_break(a: int, b: int) -> bool:
            """Whether a line break separates flat offsets a and b in the original text."""
            if fa is None:
                return "\n" in original[a:b]
            return "\n" in original[to_original(a, fa, oa) : to_original(b, fa, oa)]

        at_line_start = at_line_end = True
        if s > 0:
            prev = doc[s - 1]
            at_line_start = line_break(prev.idx + len(prev.text), doc[s].idx)
            if (
                not at_line_start
                and prev.text not in rules.before
                and prev.lower_ not in rules.before
            ):
                return False
        if e < len(doc):
            nxt = doc[e]
            last = doc[e - 1]
            at_line_end = line_break(last.idx + len(last.text), nxt.idx)
            ok_next = (
                at_line_end
                or nxt.text in rules.after
                or nxt.lower_ in rules.after
                or e in plain_tokens
                or nxt.text in rules.followers.get(sid, ())
            )
            if not ok_next:
                return False
        # The line around it must look like a skills context. A name alone on its
        # line is a list item: its neighbouring lines count too.
        alone = at_line_start and at_line_end
        lo, hi = max(0, s - 12), min(len(doc), e + 12)
        if sid in rules.need_sibling:  # only a skill of its own kind nearby will do
            kinds = rules.need_sibling[sid]
            near = (plain_tokens.get(i) for i in range(lo, hi) if not s <= i < e)
            return any(o is not None and self.lexicon.skills[o].category in kinds for o in near)
        for i in range(lo, hi):
            if s <= i < e or not (i in plain_tokens or doc[i].lower_ in rules.cues):
                continue
            if alone or not line_break(min(doc[i].idx, doc[s].idx), max(doc[i].idx, doc[s].idx)):
                return True
        return False


# ---------------------------------------------------------------- spaCy component

try:  # the component is registered only when spaCy is importable and imported
    from spacy.language import Language
except ImportError:  # pragma: no cover
    Language = None  # type: ignore[assignment, misc]

if Language is not None:

    @Language.factory("skill_matcher", default_config={"lexicon_path": None})
    def create_skill_matcher(nlp, name: str, lexicon_path: str | None):
        return SkillMatcherComponent(nlp, name, lexicon_path)


class SkillMatcherComponent:
    """spaCy pipe: sets ``doc.spans["skills"]`` with one span per mention, labelled by skill id.

    Patterns are built in ``initialize()`` (or on first use) from a lexicon
    folder, and the lexicon path is saved with ``to_disk``.
    """

    def __init__(self, nlp, name: str = "skill_matcher", lexicon_path: str | None = None) -> None:
        self.nlp = nlp
        self.name = name
        self.lexicon_path = lexicon_path
        self._matcher: SkillMatcher | None = None

    def initialize(self, get_examples=None, *, nlp=None, lexicon_path: str | None = None) -> None:
        if lexicon_path is not None:
            self.lexicon_path = lexicon_path
        self._matcher = SkillMatcher(self._load_lexicon(), nlp=self.nlp)

    def _load_lexicon(self) -> Lexicon:
        from .lexicon import default_lexicon, load_lexicon

        return load_lexicon(self.lexicon_path) if self.lexicon_path else default_lexicon()

    def __call__(self, doc):
        if self._matcher is None:
            self.initialize()
        assert self._matcher is not None
        doc.spans["skills"] = [
            _span(doc, sid, s, e) for sid, s, e in self._matcher.find_in_doc(doc)
        ]
        return doc

    def to_disk(self, path, exclude: Any = ()) -> None:
        import srsly

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg.json", {"lexicon_path": self.lexicon_path})

    def from_disk(self, path, exclude: Any = ()):
        import srsly

        cfg = srsly.read_json(Path(path) / "cfg.json")
        self.lexicon_path = cfg.get("lexicon_path")
        self._matcher = None
        return self


def _span(doc, sid: str, s: int, e: int):
    from spacy.tokens import Span

    return Span(doc, s, e, label=sid)
