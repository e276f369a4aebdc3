"""The extraction stage registry: named stages that declare what they read and what they write.

A stage is a plain typed function registered with :func:`stage`. It reads an article's working
state (:class:`~vigil.extract.state.ArticleWork`) and the loaded models and lexicons
(:class:`~vigil.extract.state.Resources`), and returns a new working state with what it produces::

    from dataclasses import replace

    from vigil.extract.stages import stage

    @stage("tone.exclaims", requires={"texts"}, produces={"tones.exclaims"})
    def exclaims(work: ArticleWork, res: Resources) -> ArticleWork:
        ...
        return replace(work, tones=work.tones + (...,))

``requires`` and ``produces`` name parts of the working state: its fields (``"mentions"``,
``"events"``) or a finer part of one (``"drafts.modality"``: each event draft's modality).
``"article"`` is always there. A batch stage (``batch=True``) takes and returns the working states
of a whole batch of articles at once, for models that run faster on many texts together.

The built-in stages register through this same decorator, in the modules named after what they
do (:data:`~vigil.extract.version.STAGE_MODULES`). :func:`build` checks, when a pipeline is made, that every stage's
requirements are produced by a stage before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from vigil.errors import ExtractError

if TYPE_CHECKING:
    from vigil.config import Settings
    from vigil.extract.state import ArticleWork, Resources

__all__ = ["ALWAYS", "Stage", "StageError", "build", "configured_stages", "registered", "stage"]

ALWAYS = frozenset({"article"})  # what every article's working state starts with

F = TypeVar("F", bound=Callable[..., Any])


class StageError(ExtractError):
    """A pipeline's stages cannot run in the order given: an unknown stage or a missing input."""


@dataclass(frozen=True, slots=True)
class Stage:
    """A registered stage.

    Attributes:
        name: its registry name, e.g. ``"tone.sentences"``.
        func: ``(work, resources) -> work``, or for a batch stage ``(works, resources) -> works``.
        requires: the parts of the working state it reads.
        produces: the parts it writes.
        batch: whether it takes a whole batch of articles at once.
        model: whether its time is spent in a model (spaCy, the coder) rather than in our code.
    """

    name: str
    func: Callable[..., Any]
    requires: frozenset[str]
    produces: frozenset[str]
    batch: bool = False
    model: bool = False

    @property
    def clock(self) -> str:
        """The name its time is added under in :class:`~vigil.extract.timing.StageTimes`."""
        return f"{'model' if self.model else 'ours'}.{self.name}"

    def run(self, works: Sequence[ArticleWork], resources: Resources) -> list[ArticleWork]:
        """Run the stage on a batch of articles' working states; returns their new states, in order."""
        if self.batch:
            out = list(self.func(works, resources))
            if len(out) != len(works):
                raise StageError(
                    f"Stage '{self.name}' returned {len(out)} working states for {len(works)} articles. "
                    "A batch stage must return one state per article, in order."
                )
            return out
        return [self.func(work, resources) for work in works]


_REGISTRY: dict[str, Stage] = {}


def stage(
    name: str,
    *,
    requires: Iterable[str] = (),
    produces: Iterable[str] = (),
    batch: bool = False,
    model: bool = False,
) -> Callable[[F], F]:
    """Register the decorated function as the extraction stage ``name``.

    Args:
        name: the stage's name, used in a pipeline's list of stages.
        requires: the parts of the working state the stage reads (see the module docstring).
        produces: the parts it writes.
        batch: the function takes and returns the working states of a whole batch of articles.
        model: its time is counted as a model's (``model.<name>``) rather than ours (``ours.<name>``).
    Returns:
        The decorator, which returns the function unchanged.
    Raises:
        StageError: when another function is already registered under ``name``.
    """

    def register(func: F) -> F:
        known = _REGISTRY.get(name)
        if known is not None and (known.func.__module__, known.func.__qualname__) != (
            func.__module__,
            func.__qualname__,
        ):
            raise StageError(
                f"Stage '{name}' is already registered by {known.func.__module__}.{known.func.__qualname__}. "
                "Give the new stage another name."
            )
        _REGISTRY[name] = Stage(name, func, frozenset(requires), frozenset(produces), batch, model)
        return func

    return register


def registered() -> dict[str, Stage]:
    """Every registered stage by name (the built-in ones once :mod:`vigil.extract.pipeline` is imported)."""
    return dict(_REGISTRY)


def build(names: Sequence[str]) -> list[Stage]:
    """The stages ``names``, in order, checked to find what they require.

    Args:
        names: stage names, in the order they run.
    Returns:
        The registered stages.
    Raises:
        StageError: for an unknown name, or a stage that requires something no stage before it produces
            (the message names the registered stages that produce it).
    """
    out: list[Stage] = []
    available = set(ALWAYS)
    for name in names:
        found = _REGISTRY.get(name)
        if found is None:
            raise StageError(
                f"Unknown extraction stage '{name}'. Registered stages: {', '.join(sorted(_REGISTRY))}. "
                "Import the module that registers it before building the pipeline."
            )
        for need in sorted(found.requires - available):
            producers = sorted(s.name for s in _REGISTRY.values() if need in s.produces)
            hint = (
                f"Registered stages that produce it: {', '.join(producers)}; put one of them before '{name}'."
                if producers
                else "No registered stage produces it."
            )
            raise StageError(f"Stage '{name}' requires '{need}', which no stage before it produces. {hint}")
        available |= found.produces
        out.append(found)
    return out


def configured_stages(settings: Settings) -> tuple[str, ...]:
    """The stages the settings ask for: ``extract.stages`` (comma-separated, or the name of a list of
    :data:`~vigil.extract.version.NAMED_STAGES`: "default", "news", "coder"), else the default stages.

    The modules named by ``extract.stage_modules`` are imported first, so that their stages register.

    Raises:
        StageError: when a module cannot be imported.
    """
    import importlib

    from vigil.extract.version import DEFAULT_STAGES, NAMED_STAGES

    for module in _names(settings.get_str("extract.stage_modules")):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise StageError(
                f"Setting 'extract.stage_modules' names {module!r}, which cannot be imported ({exc}). "
                "Install the package that provides it, or fix the module's name."
            ) from exc
    names = _names(settings.get_str("extract.stages"))
    if len(names) == 1 and names[0] in NAMED_STAGES:
        return NAMED_STAGES[names[0]]
    return tuple(names) if names else DEFAULT_STAGES


def _names(value: str) -> list[str]:
    return [n.strip() for n in value.split(",") if n.strip()]
