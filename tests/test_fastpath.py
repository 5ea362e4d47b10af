"""The classifier's fast path and the neutral-text shortcut give scikit-learn's numbers exactly."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest

from pipeline.skills.classify import _neutral, default_model
from pipeline.text.redact import _NEUTRAL_PRONOUN, GENDERED, PRONOUNS, TITLES, neutralise

TEXT = (
    "Led a team of 6 analysts building Python and SQL dashboards for the sales group; "
    "she trained new hires, presented to the board (Mr. Ortega's office) and cut costs 12%. "
    "Women's leadership circle chairwoman. Naïve Bayes, scikit-learn, MS Office, C++/C#, "
    "patient-care rota, 24/7 on-call, e-mail: x@example.com, ŞEFİK İNÖNÜ, straße, ſtatistics"
)
WORDS = TEXT.split()


def _texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30))) for _ in range(n)]


def test_shipped_model_fast_path_equals_sklearn_bit_for_bit():
    model = default_model()
    assert model is not None and model._exact is not None
    for seed in range(5):
        texts = _texts(seed, 80)
        expected = model.pipeline.predict_proba([neutralise(t) for t in texts])
        assert np.array_equal(model.predict_proba(texts), expected)
    assert model.predict_proba([]).shape == (0, 10)


def _plain_neutralise(text: str) -> str:
    text = PRONOUNS.sub(lambda m: _NEUTRAL_PRONOUN[m.group().lower()], text)
    return GENDERED.sub("group", TITLES.sub("", text))


@pytest.mark.parametrize("compiled", [True, False])
def test_neutralise_shortcut_changes_nothing(compiled, monkeypatch):
    """The word checks (compiled or by a set of the words) and the title search from where
    a title can start give what the three patterns give over the whole text."""
    from pipeline import native

    if not compiled:
        monkeypatch.setattr(native, "objects", lambda: None)
    pieces = ["he", "She", "HIS", "Mr", "Mr.", "Ms", "Miss", "women's", "Men’s", "girls's",
              "boy's", "Chairman", "ſorority", "İ", "ı", "x", "'", "’", "s", ".", "(", " ",
              "-", "_", "é", "1", "MS Office", "herself", "Sir", "Madam", "Mx", "Mission",
              "M", "r", "SMrs", "Mrsx", "Σ", "K", "\u212a", "ǅ", "Ⅰ", "٣", "Ｈe", "Businesswoman",
              "businesswomans"]  # fmt: skip
    rng = random.Random(0)
    for trial in range(30000):
        length = rng.randint(1, 8) if trial % 2 else rng.randint(8, 40)  # several matches
        text = "".join(rng.choice(pieces) for _ in range(length))
        assert neutralise(text) == _plain_neutralise(text), text
    units = _texts(9, 50)
    assert _neutral(units) == [neutralise(u) for u in units]


def test_neutralise_word_kinds_are_disjoint():
    """A word is a pronoun or a gendered word, not both: each start found is tried with one
    pattern only."""
    from pipeline.text import redact

    assert not redact._PRONOUN_SET & redact._GENDERED_SET
    assert set(redact._WORD_KINDS) == redact._PRONOUN_SET | redact._GENDERED_SET


def _blank_pipeline():
    """The reference the matcher's tokenizer is checked against: spaCy's blank English
    pipeline with the matcher's two changes (extra infixes, no URL rule) made the plain way."""
    import spacy
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex

    from pipeline.skills.matcher import _EXTRA_INFIXES

    nlp = spacy.blank("en")
    default = nlp.tokenizer
    nlp.tokenizer = Tokenizer(
        nlp.vocab,
        rules=nlp.Defaults.tokenizer_exceptions,
        prefix_search=default.prefix_search,
        suffix_search=default.suffix_search,
        infix_finditer=compile_infix_regex(
            list(nlp.Defaults.infixes) + list(_EXTRA_INFIXES)
        ).finditer,
        token_match=default.token_match,
        url_match=None,
    )
    return nlp


def test_matcher_tokens_equal_spacy_tokens(tiny_matcher):
    """Chunk-cached tokenization gives spaCy's tokens, special cases across spaces included."""
    nlp = _blank_pipeline()
    bits = ["a", " ", "  ", "\xa0", "e.g.", "(", ")", "don't", "U.S.", ":)", "-", "Python,SQL",
            "'s", ".", ":-)", "(:", "a.m.", "Inc.", "8-)", ":p", "p", "Dr.", "It", "'", "<3",
            "\u3000", "Vue.js/React", "AWS(SageMaker)", "\n", "\t", " \n", "\n "]  # fmt: skip
    rng = random.Random(1)
    for _ in range(5000):
        text = "".join(rng.choice(bits) for _ in range(rng.randint(0, 14)))
        ours = tiny_matcher._make_doc(text)
        theirs = nlp.make_doc(text)
        assert [(t.text, t.idx, t.whitespace_) for t in ours] == [
            (t.text, t.idx, t.whitespace_) for t in theirs
        ], repr(text)


def test_new_chunks_tokenized_together_as_alone(tiny_lexicon):
    """A text's chunks not yet cached are tokenized in one call, a line break between each
    two: each gets the tokens it gets alone, special cases of several tokens included."""
    from pipeline.skills.matcher import _TOGETHER, SkillMatcher, doc_tokens

    matcher = SkillMatcher(tiny_lexicon)
    assert _TOGETHER not in matcher._specials_of_many
    bits = ["a", "e.g.", "(", ")", "don't", "U.S.", ":)", "-", "Python,SQL", "'s", ".", ":-)",
            "(:", "a.m.", "Inc.", "8-)", ":p", "p", "Dr.", "It", "'", "<3", "Vue.js/React",
            "AWS(SageMaker)", "𝒳", "中文", "C++", "x@y.io", "http://a.b/c", "—", "…"]  # fmt: skip
    rng = random.Random(6)
    for _ in range(300):
        chunks = list(
            dict.fromkeys(
                "".join(rng.choice(bits) for _ in range(rng.randint(1, 5)))
                for _ in range(rng.randint(2, 30))
            )
        )
        matcher._chunks.clear()
        matcher._tokenize_together(chunks)
        together = dict(matcher._chunks)
        assert len(together) == len(chunks)
        for chunk in chunks:
            alone = doc_tokens(matcher.nlp.tokenizer(chunk))
            assert together[chunk] == alone, repr(chunk)


def test_matcher_rebuilt_when_vocab_grows_finds_the_same(tiny_lexicon, monkeypatch):
    from pipeline.skills import matcher as module

    texts = [f"Python, R and AWS SageMaker; ticket T{i}x{i * 7} with React" for i in range(40)]
    expected = [module.SkillMatcher(tiny_lexicon).find(t) for t in texts]
    monkeypatch.setattr(module, "VOCAB_GROWTH_LIMIT", 5)
    matcher = module.SkillMatcher(tiny_lexicon)
    first_nlp = matcher.nlp
    assert [matcher.find(t) for t in texts] == expected
    assert matcher.nlp is not first_nlp
    assert len(matcher.nlp.vocab) < len(first_nlp.vocab)


def test_murmurhash_equals_sklearn():
    from sklearn.utils import murmurhash3_32 as reference

    from pipeline.skills.fastpath import murmurhash3_32

    rng = random.Random(3)
    alphabet = "abcxyz é€😀-_.0123"
    texts = [
        "",
        *("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25))) for _ in range(3000)),
    ]
    expected = np.array([reference(t, seed=0) for t in texts], dtype=np.int32)
    assert np.array_equal(murmurhash3_32(texts), expected)


def test_murmurhash_of_a_lone_surrogate_raises_like_sklearn():
    """mmh3 crashes the process on a str holding a lone surrogate: the text is encoded first,
    so the error is scikit-learn's UnicodeEncodeError (run in a subprocess: a crash would
    otherwise end the test run)."""
    code = (
        "from pipeline.skills.fastpath import murmurhash3_32\n"
        "try:\n"
        "    murmurhash3_32(['ok', 'a\\ud800b'])\n"
        "except UnicodeEncodeError:\n"
        "    print('raised')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "raised"


def test_modified_linear_file_is_not_used(tmp_path):
    import shutil

    from pipeline.skills.classify import default_model_dir, load_model

    folder = tmp_path / "model"
    shutil.copytree(default_model_dir(), folder)
    assert load_model(folder)._exact is not None
    (folder / "linear.npz").write_bytes(b"not the saved arrays")
    model = load_model(folder)
    assert model._exact is not None  # derived again from the checked artifact
    texts = _texts(4, 20)
    assert np.array_equal(model.predict_proba(texts), default_model().predict_proba(texts))


def test_matcher_tokenizer_built_without_a_pipeline_equals_the_blank_pipeline():
    """The matcher's own tokenizer (built from English's defaults) splits text and knows
    special cases exactly as spaCy's blank English pipeline does."""
    from pipeline.skills.matcher import Tokenizing, _special_tokens

    nlp, light = _blank_pipeline(), Tokenizing()
    assert _special_tokens(light) == _special_tokens(nlp)
    text = TEXT + " can't won't y'all 'cause 10km 5pm $30 U.K. C++/Go; node.js https://x.org"
    for piece in [text, text.upper(), text.replace(" ", "\n")]:
        assert [(t.text, t.whitespace_, t.lower_) for t in light.tokenizer(piece)] == [
            (t.text, t.whitespace_, t.lower_) for t in nlp.tokenizer(piece)
        ]


def test_expit_equals_scipy_at_the_extremes():
    from scipy.special import expit

    from pipeline.skills.fastpath import _expit

    rng = np.random.default_rng(3)
    values = np.concatenate(
        [rng.normal(0, 8, 20001), [-800.0, -745.2, -709.9, -1e-300, 0.0, 709.9, 800.0]]
    )
    values = np.concatenate([values, [np.inf, -np.inf]]).reshape(-1, 3)
    assert np.array_equal(_expit(values), expit(values))


def test_numpy_and_scipy_products_give_the_same_probabilities():
    """The first documents of a process use numpy's product, later ones scipy's: equal sums."""
    model = default_model()
    assert model is not None and model._exact is not None
    fast = model._exact
    for seed in range(4):
        texts = [neutralise(t) for t in _texts(seed + 10, 60)]
        pieces = [part.transform(texts) for part in fast.parts]
        assert np.array_equal(
            fast._bincount_product(pieces, len(texts)), fast._scipy_product(pieces, len(texts))
        )


def test_one_document_is_classified_without_importing_scipy():
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from pipeline.skills.classify import default_model\n"
        "p = default_model().predict_proba(['Trained PyTorch models on AWS.'])\n"
        "print(p.shape, 'scipy.sparse' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["(1,", "10)", "False"]


def _units_by_block(lines: list[str], starts: list[int]) -> tuple[list[int], list[int]]:
    """segment._units as it was: each block's sentence ends searched in the block alone."""
    from pipeline.text.patterns import BULLET
    from pipeline.understand.segment import _SENTENCE_END, heading_section

    blocks: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        a, b = starts[i], starts[i] + len(line)
        if blocks and i > 0:
            prev = lines[i - 1].rstrip()
            if (
                not BULLET.match(line)
                and heading_section(line) is None
                and heading_section(prev) is None
                and prev[-1:] not in ".!?:;"
                and line[:1].islower()
            ):
                blocks[-1] = (blocks[-1][0], b)
                continue
        blocks.append((a, b))
    unit_starts, unit_ends = [], []
    text = "\n".join(lines)
    for a, b in blocks:
        cursor = a
        for m in _SENTENCE_END.finditer(text, a, b):
            unit_starts.append(cursor)
            unit_ends.append(m.start())
            cursor = m.end()
        unit_starts.append(cursor)
        unit_ends.append(b)
    return unit_starts, unit_ends


def test_units_from_one_search_equal_the_search_by_block():
    """Sentence ends found once in the whole text cut each block as a search in the block
    alone does: blanks at a line's end and start, wrapped lines, bullets, headings."""
    from pipeline.understand.segment import _units

    pieces = ["Built it.", " ", "  ", "\t", "Next", "(x)", "done!", "ok?", "and more",
              "- ", "• ", "1. ", "skills", "Skills", "EXPERIENCE", ";", ":", "a", "A", "\xa0",
              "é"]  # fmt: skip
    rng = random.Random(13)
    for _ in range(3000):
        lines = [
            "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
            for _ in range(rng.randint(0, 8))
        ]
        starts, pos = [], 0
        for line in lines:
            starts.append(pos)
            pos += len(line) + 1
        assert _units(lines, starts) == _units_by_block(lines, starts), lines


def test_inline_section_turns_away_only_lines_without_a_separator():
    """inline_section answers None at once for a line without ":", "•", "-" or "–": the same
    answer as the label pattern over random lines, each separator included."""
    from pipeline.understand.segment import _INLINE_LABEL, heading_section, inline_section

    def by_pattern(line: str) -> str | None:
        m = _INLINE_LABEL.match(line)
        return "skills" if m and heading_section(m.group(1)) == "skills" else None

    pieces = ["Technical Skills", "Skills", "KEY SKILLS", "Tools", "Python", " ", "  ", ":",
              "•", "-", "–", "—", " - ", " – ", "/", "&", "x", "1", "\t"]  # fmt: skip
    rng = random.Random(14)
    found = 0
    for _ in range(20000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        assert inline_section(line) == by_pattern(line), repr(line)
        found += by_pattern(line) is not None
    assert found > 500
