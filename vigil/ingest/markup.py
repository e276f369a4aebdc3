"""HTML fragments (feed summaries, content:encoded) to plain text, without scripts or styles."""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

__all__ = ["fragment_to_text"]

_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head")
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "section", "article", "tr", "table", "figure", "figcaption", "pre", "hr",
}  # fmt: skip
_SPACES = re.compile(r"[ \t\u00a0]+")
_TAG = re.compile(r"<[A-Za-z!/]")
# characters XML cannot hold (lxml refuses them in text): C0 controls but tab and newlines, surrogates
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def fragment_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: paragraphs become blank-line separated, scripts and styles vanish.

    Args:
        markup: an HTML fragment or plain text (entities are unescaped either way).
    Returns:
        The text, paragraphs separated by a blank line.
    """
    markup = _NOT_XML.sub(" ", markup)
    if not _TAG.search(markup):
        return html.unescape(markup).strip()
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return html.unescape(re.sub(r"<[^>]*>", " ", markup)).strip()
    for element in root.iter(*_DROP):
        element.drop_tree()
    for element in root.iter(etree.Comment):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    text = root.text_content()
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
