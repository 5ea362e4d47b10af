"""Find lexicon skills in text with spaCy's blank English tokenizer and PhraseMatchers.

Usable on its own (`SkillMatcher(lexicon).find(text)`) or inside any spaCy
pipeline as the registered component ``"skill_matcher"``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .lexicon import ANY_CASE, EXACT_CASE, IN_CONTEXT, Lexicon

_HYPHEN_BREAK = re.compile(r"-\n(?=[a-z])")
_EXTRA_INFIXES = (
    r"(?<=[\w.+#)])[/|,;](?=[\w.#(])",  # Vue.js/React, Python,SQL, TensorFlow;Keras
    r"(?<=\w)[(\[](?=\w)",  # AWS(SageMaker)
    r"(?<=\w)[•·](?=\w)",
)


@dataclass(frozen=True, slots=True)
class Match:
    skill_id: str
    start: int  # char offsets into the text given to find()
    end: int
    surface: str


def make_nlp():
    """A blank English pipeline whose tokenizer splits the joins resumes use in skill lists."""
    import spacy
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("en")
    # URLs and e-mails are blanked before matching, and the URL rule would keep
    # "Vue.js/React" as one token (".js" looks like a domain).
    nlp.tokenizer.url_match = None
    infixes = list(nlp.Defaults.infixes) + list(_EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp


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


class SkillMatcher:
    """Phrase matching keyed by skill id, with context rules for ambiguous aliases."""

    def __init__(self, lexicon: Lexicon, nlp=None) -> None:
        from spacy.matcher import PhraseMatcher

        self.lexicon = lexicon
        self.nlp = nlp if nlp is not None else make_nlp()
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

    def find(self, text: str) -> list[Match]:
        """All skill mentions in ``text``, longest match first where they overlap."""
        flat, fa, oa = flatten(text)
        doc = self.nlp.make_doc(flat)
        return [
            Match(sid, to_original(s, fa, oa), to_original(e - 1, fa, oa) + 1, surface)
            for sid, s, e, surface in self._spans(doc, flat, text, fa, oa)
        ]

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
            if any(i in taken for i in range(s, e)):
                continue
            taken.update(range(s, e))
            chosen.append((sid, s, e))
        chosen.sort(key=lambda c: (c[1], c[0]))
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
