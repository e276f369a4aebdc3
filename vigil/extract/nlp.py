"""The spaCy pipeline Vigil runs: a packaged English model, checked on load, in two passes.

The first pass (tokens, rule-based sentence boundaries, entities, and the knowledge
base's names as an entity ruler) runs on every article. The second pass (tagger and
dependency parser) runs only on the sentences that may hold an event, which is
where the time goes.

The model's layers multiply their matrices with numpy (OpenBLAS) rather than thinc's default
BLIS: on the 2-core machines Vigil is measured on, OpenBLAS runs the same products about 2.8x
faster, single-threaded, with the same results (see :class:`BlasOps`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy
from spacy.attrs import ENT_IOB
from spacy.language import Language
from spacy.pipeline.transition_parser import Parser
from spacy.tokens import Doc
from spacy.util import minibatch
from thinc.api import NumpyOps

from vigil.errors import ExtractError
from vigil.extract.stages import stage
from vigil.extract.version import MODEL_NAME, MODEL_PACKAGE, MODEL_VERSION
from vigil.models import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Span

    from vigil.extract.state import ArticleWork, Resources

__all__ = [
    "MODEL_PACKAGE",
    "MODEL_VERSION",
    "NLP",
    "BlasOps",
    "keep_freed_memory",
    "limit_blas_threads",
    "load_nlp",
    "sentence_docs",
    "token_groups",
]

FIRST_PASS = ("paragraphs", "sentencizer", "entity_ruler", "ner")
SECOND_PASS = ("tok2vec", "tagger", "attribute_ruler", "parser")
# Tokens per call of the first pass's entity recogniser (a longer document is one call of its own).
# spaCy's own ``pipe`` groups a fixed number of documents: a few long articles then make arrays of
# 40,000 rows and more, whose products and activations run 3-5x slower per token (they are mapped
# afresh and miss every cache).
FIRST_PASS_TOKENS = 8192


class BlasOps(NumpyOps):  # type: ignore[misc]
    """thinc's CPU ops with matrix products by ``numpy.matmul``.

    thinc's ``NumpyOps.gemm`` calls the BLIS build that ships with the ``blis`` wheel; numpy's
    OpenBLAS picks kernels for the CPU it runs on. Everything else (the parser's own loop
    included) is thinc's. Tokens, entities and parses are the same, only faster.
    """

    name = "vigil-blas"

    def gemm(  # type: ignore[override]
        self,
        x: numpy.ndarray,
        y: numpy.ndarray,
        *,
        out: numpy.ndarray | None = None,
        trans1: bool = False,
        trans2: bool = False,
    ) -> numpy.ndarray:
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            product: numpy.ndarray = numpy.matmul(a, b)
            return product
        numpy.matmul(a, b, out=out)
        return out


def limit_blas_threads(threads: int) -> None:
    """Run numpy's BLAS on ``threads`` threads in this process (one per worker process: no oversubscription)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads, user_api="blas")


# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3


def keep_freed_memory() -> bool:
    """Let this process's C allocator reuse freed blocks instead of handing them back to the system.

    The models' layers allocate and free arrays of a few MB at every batch, which glibc may map
    afresh (and the kernel zero) each time. Blocks of up to 32 MB now come from the heap, and up to
    256 MB of free heap is kept before it is trimmed. Over the Wikinews corpus in one process, in
    alternating runs, extraction took 0.87x and 0.95x the time with these settings (docs/performance.md).

    Returns:
        False where the C library has no ``mallopt`` (not glibc): nothing is changed there.
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    settings = ((_M_MMAP_THRESHOLD, 32 << 20), (_M_TRIM_THRESHOLD, 256 << 20), (_M_TOP_PAD, 16 << 20))
    return all(mallopt(param, value) == 1 for param, value in settings)


class NLP:
    """The loaded model with its two passes.

    Args:
        nlp: a spaCy pipeline with tok2vec, senter, tagger, attribute_ruler, parser and ner.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self._first = [(n, p) for n, p in nlp.pipeline if n in FIRST_PASS]
        self._second = [(n, _table(p) if n == "attribute_ruler" else p) for n, p in nlp.pipeline if n in SECOND_PASS]

    @property
    def version(self) -> str:
        return f"{self.nlp.meta['name']}-{self.nlp.meta['version']}"

    def first_pass(
        self, texts: Iterable[str], batch_size: int = 32, max_tokens: int = FIRST_PASS_TOKENS
    ) -> Iterable[Doc]:
        """Tokens, sentences and entities of each text, in order.

        The entity recogniser predicts over groups of at most ``max_tokens`` tokens (shortest
        documents first, as spaCy's own ``pipe`` orders them); each document's entities are
        the same whatever its group.
        """
        docs: Iterable[Doc] = (self.nlp.make_doc(t) for t in texts)
        for _, proc in self._first:
            if isinstance(proc, Parser):
                docs = _predict_by_tokens(proc, docs, batch_size, max_tokens)
            else:
                docs = _pipe(proc, docs, batch_size)
        return docs

    def second_pass(self, docs: Iterable[Doc], batch_size: int = 64) -> list[Doc]:
        out: Iterable[Doc] = docs
        for _, proc in self._second:
            out = _pipe(proc, out, batch_size)
        return list(out)

    def add_patterns(self, patterns: list[dict[str, Any]]) -> None:
        ruler = self.nlp.get_pipe("entity_ruler")
        # The ruler matches phrases on ORTH, so a pattern needs only its tokens. Left alone, spaCy runs
        # every component before the ruler (tok2vec, tagger, parser) over the pattern texts (0.94 s of
        # each process's start-up against 0.41 s without them), for annotations the matcher never reads.
        with self.nlp.select_pipes(enable=["entity_ruler"]):
            ruler.add_patterns(patterns)  # type: ignore[attr-defined]


_IOB_INSIDE, _IOB_BEGIN = 1, 3  # spaCy's ENT_IOB codes (0 missing, 1 I, 2 O, 3 B)


def sentence_docs(doc: Doc, sentences: Sequence[Span]) -> list[Doc]:
    """Each sentence of a first-pass doc copied into a doc of its own, as ``Span.as_doc`` copies it.

    The copies hold the same tokens, whitespace, sentence starts and entities; an entity cut by the
    sentence's edge is left out (marked missing), as ``as_doc`` does. ``as_doc`` also rewires a parse
    (there is none yet), averages word vectors (the model has none) and reads every entity of the
    whole doc once per sentence: on the Wikinews corpus the copies took 0.17x its time.
    """
    if len(doc) and doc.has_annotation("HEAD"):
        raise ValueError("sentence_docs copies first-pass docs, which have no parse")
    head = list(doc._get_array_attrs())
    array = doc.to_array(head)
    iob = head.index(ENT_IOB)
    out = []
    for sent in sentences:
        tokens = [(t.text, bool(t.whitespace_)) for t in sent]
        copy = Doc(doc.vocab, words=[w for w, _ in tokens], spaces=[s for _, s in tokens])
        rows: Any = array[sent.start : sent.end].copy()  # uint64 (to_array's stub says float)
        cut_start = len(rows) > 0 and rows[0, iob] == _IOB_INSIDE
        cut_end = sent.end < len(doc) and array[sent.end, iob] == _IOB_INSIDE
        if cut_start:
            rows[0, iob] = _IOB_BEGIN
        copy.from_array(head, rows)
        if cut_start or cut_end:
            ents = copy.ents
            if ents and cut_start and ents[0].start == 0:
                copy.set_ents([], missing=[ents[0]], default="unmodified")
            if ents and cut_end and ents[-1].end == len(copy):
                copy.set_ents([], missing=[ents[-1]], default="unmodified")
        out.append(copy)
    return out


def _table(ruler: Any) -> Any:
    """The attribute ruler as a table of its rules (:mod:`vigil.extract.attributes`), where it can be read."""
    from vigil.extract.attributes import AttributeRules

    try:
        return AttributeRules(ruler)
    except ValueError:
        return ruler


def _pipe(proc: Any, docs: Iterable[Doc], batch_size: int) -> Iterable[Doc]:
    if hasattr(proc, "pipe"):
        return proc.pipe(docs, batch_size=batch_size)  # type: ignore[no-any-return]
    return (proc(d) for d in docs)


def token_groups(docs: Iterable[Doc], max_tokens: int) -> Iterator[list[Doc]]:
    """The documents, shortest first, in groups of at most ``max_tokens`` tokens (or one longer document)."""
    group: list[Doc] = []
    tokens = 0
    for doc in sorted(docs, key=len):
        if group and tokens + len(doc) > max_tokens:
            yield group
            group, tokens = [], 0
        group.append(doc)
        tokens += len(doc)
    if group:
        yield group


def _predict_by_tokens(proc: Parser, docs: Iterable[Doc], batch_size: int, max_tokens: int) -> Iterable[Doc]:
    """``proc.pipe`` with groups bounded by tokens instead of documents."""
    for batch in minibatch(docs, size=batch_size):  # type: ignore[no-untyped-call]
        for group in token_groups(batch, max_tokens):
            proc.set_annotations(group, proc.predict(group))
        yield from batch


def _paragraph_breaks(doc: Doc) -> Doc:
    """A line break always ends a sentence: headings and paragraphs never run into the next one."""
    prev = None
    for tok in doc:
        if prev is not None and prev.is_space and "\n" in prev.text and not tok.is_space:
            tok.is_sent_start = True
        prev = tok
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
    ops = BlasOps()
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops
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


# --- stages ---------------------------------------------------------------------------------


@stage("parse.first_pass", requires={"article"}, produces={"doc"}, batch=True, model=True)
def first_pass_stage(works: Sequence[ArticleWork], res: Resources) -> list[ArticleWork]:
    """Tokens, sentences and entities of every article of the batch (:meth:`NLP.first_pass`)."""
    texts = (w.article.text for w in works)
    docs = res.nlp.first_pass(texts, batch_size=res.settings.get_int("extract.batch_size"))
    return [replace(w, doc=d) for w, d in zip(works, docs, strict=True)]


@stage("parse.sentences", requires={"doc"}, produces={"spans", "sentences", "texts"})
def sentences_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """The first pass's sentences, as spans, stored records and texts."""
    spans = tuple(work.first_pass().sents)
    aid, text = work.article.id, work.article.text
    return replace(
        work,
        spans=spans,
        sentences=tuple(Sentence(aid, i, s.start_char, s.end_char) for i, s in enumerate(spans)),
        # The article's text between the offsets: Span.text would build every token.
        texts=tuple(text[s.start_char : s.end_char] for s in spans),
    )


@stage("parse.second_pass", requires={"to_parse", "spans"}, produces={"parses"}, batch=True, model=True)
def second_pass_stage(works: Sequence[ArticleWork], res: Resources) -> list[ArticleWork]:
    """Tagger and parser on the sentences ``events.select`` chose, for the whole batch at once."""
    copies = [
        copy for w in works if w.to_parse for copy in sentence_docs(w.first_pass(), [w.spans[si] for si in w.to_parse])
    ]
    parsed = iter(res.nlp.second_pass(copies, batch_size=64))
    return [replace(w, parses={si: next(parsed) for si in w.to_parse}) for w in works]
