"""``vigil correct``: an analyst's corrections of events and actors, kept as an audit trail.

A thin shell over :mod:`vigil.store.corrections`. Call :func:`register` once on the main Typer app.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from vigil.cli.common import cli_state, console, print_json, print_table

__all__ = ["register"]

correct_app = typer.Typer(
    help="Correct what extraction got wrong: reject, relabel or redate an event; merge or split actors.",
    no_args_is_help=True,
)

Reason = Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")]
Author = Annotated[str | None, typer.Option("--author", help="Who corrects (default: the login name).")]


def _add(ctx: typer.Context, kind: str, target: str, value: dict[str, Any], reason: str, author: str | None) -> None:
    from vigil.services import refresh_views
    from vigil.store.corrections import add_correction

    state = cli_state(ctx)
    with state.store() as store:
        c = add_correction(store, kind, target, value, reason, author or getpass.getuser())
        refresh_views(store, state.settings)
    console.print(f"correction {c.id}: {c.kind} {c.target} {json.dumps(_shown(c.value))} ({c.reason})", highlight=False)


def _shown(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k not in ("article", "sentence", "source_text", "target_text")}


@correct_app.command("event")
def correct_event(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(help="The event's id (`vigil events --json` or the API show it).")],
    reason: Reason,
    reject: Annotated[bool, typer.Option("--reject", help="The sentence does not say this.")] = False,
    root: Annotated[str | None, typer.Option("--root", help="The right PLOVER root (or STATEMENT).")] = None,
    modality: Annotated[str | None, typer.Option("--modality", help="The right modality.")] = None,
    day: Annotated[str | None, typer.Option("--date", help="When it happened, YYYY-MM-DD.")] = None,
    author: Author = None,
) -> None:
    """Reject an event, or relabel it (root, modality), or fix its date."""
    if sum((reject, bool(root or modality), day is not None)) != 1:
        raise typer.BadParameter("give one of --reject, --root/--modality or --date", param_hint="EVENT_ID")
    if reject:
        _add(ctx, "reject", event_id, {}, reason, author)
    elif day is not None:
        _add(ctx, "redate", event_id, {"date": day}, reason, author)
    else:
        value = {k: v for k, v in (("root", root.upper() if root else None), ("modality", modality)) if v}
        _add(ctx, "relabel", event_id, value, reason, author)


@correct_app.command("merge")
def correct_merge(
    ctx: typer.Context,
    actor: Annotated[str, typer.Argument(help="The actor id that is the same as another.")],
    into: Annotated[str, typer.Option("--into", help="The actor id it is the same as.")],
    reason: Reason,
    author: Author = None,
) -> None:
    """Merge an actor into another: every mention and event of it reads as the other."""
    _add(ctx, "merge", actor, {"into": into}, reason, author)


@correct_app.command("split")
def correct_split(
    ctx: typer.Context,
    actor: Annotated[str, typer.Argument(help="The actor id that wrongly holds two actors.")],
    text: Annotated[str, typer.Option("--text", help="The words of the mentions that are another actor.")],
    new_id: Annotated[str, typer.Option("--as", help="The other actor's id (e.g. prov:foreign-ministry).")],
    reason: Reason,
    author: Author = None,
) -> None:
    """Split an actor: its mentions with these words (and their events) become another actor."""
    _add(ctx, "split", actor, {"text": text, "as": new_id}, reason, author)


@correct_app.command("undo")
def correct_undo(
    ctx: typer.Context,
    correction: Annotated[int, typer.Argument(help="The correction's number (`vigil correct list`).")],
    reason: Reason,
    author: Author = None,
) -> None:
    """Withdraw a correction (the trail keeps both)."""
    _add(ctx, "undo", str(correction), {}, reason, author)


@correct_app.command("list")
def correct_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The audit trail: every correction, who made it, when and why."""
    from rich.table import Table

    from vigil.store.corrections import list_corrections

    with cli_state(ctx).store() as store:
        trail = list_corrections(store)
    if as_json:
        print_json([c.to_dict() for c in trail])
        return
    if not trail:
        console.print("No corrections yet.")
        return
    table = Table("#", "at", "author", "kind", "target", "change", "reason")
    for c in trail:
        table.add_row(
            str(c.id), f"{c.at:%Y-%m-%d %H:%M}", c.author, c.kind, c.target, json.dumps(_shown(c.value)), c.reason
        )
    print_table(table)


@correct_app.command("export")
def correct_export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="A JSON Lines file of labelled examples.")],
) -> None:
    """The event corrections in force as training examples (sentences by reference, the analyst's label)."""
    from vigil.store.corrections import training_examples

    with cli_state(ctx).store() as store:
        examples = training_examples(store)
    with output.open("w", encoding="utf-8") as fh:
        for x in examples:
            fh.write(json.dumps(x, ensure_ascii=False) + "\n")
    console.print(f"wrote {len(examples)} examples to {output}")


def register(app: typer.Typer) -> None:
    """Add ``vigil correct`` to the main app."""
    app.add_typer(correct_app, name="correct")
