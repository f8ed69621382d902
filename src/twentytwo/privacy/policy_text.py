"""The policy's plain-text format, read into blocks for the page, and the difference between
two versions.

The text is never trusted as HTML: it is split into headings, paragraphs and lists, and the
template escapes every piece. A diff compares lines, and within a changed line, words, so
that a reader sees the sentence that changed and the words that changed in it."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

HEADING = "## "
ITEM = "- "


@dataclass
class Block:
    kind: str  # "heading", "paragraph" or "list"
    text: str = ""
    items: list[str] = field(default_factory=list)
    anchor: str = ""


def _anchor(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


def policy_blocks(text: str) -> list[Block]:
    """Split a version's text into headings, paragraphs and lists, in order."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        paragraph: list[str] = []
        for line in lines:
            if line.startswith(HEADING):
                heading = line.removeprefix(HEADING).strip()
                blocks.append(Block(kind="heading", text=heading, anchor=_anchor(heading)))
            elif line.startswith(ITEM):
                if paragraph:
                    blocks.append(Block(kind="paragraph", text=" ".join(paragraph)))
                    paragraph = []
                if not blocks or blocks[-1].kind != "list":
                    blocks.append(Block(kind="list"))
                blocks[-1].items.append(line.removeprefix(ITEM).strip())
            else:
                paragraph.append(line)
        if paragraph:
            blocks.append(Block(kind="paragraph", text=" ".join(paragraph)))
    return blocks


@dataclass
class DiffLine:
    """One line of the comparison: kept, added, removed, or changed word by word.

    `parts` are (operation, text) pairs with operation "same", "added" or "removed"."""

    kind: str
    parts: list[tuple[str, str]]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _words_diff(old: str, new: str) -> list[tuple[str, str]]:
    old_words, new_words = old.split(" "), new.split(" ")
    parts: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(("same", " ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("removed", " ".join(old_words[a1:a2])))
        if b2 > b1:
            parts.append(("added", " ".join(new_words[b1:b2])))
    return parts


def policy_diff(old_text: str, new_text: str) -> list[DiffLine]:
    """Compare two versions line by line; lines replaced one for one are compared by word."""
    old, new = _lines(old_text), _lines(new_text)
    result: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            result += [DiffLine("same", [("same", line)]) for line in old[a1:a2]]
            continue
        removed, added = old[a1:a2], new[b1:b2]
        paired = min(len(removed), len(added)) if operation == "replace" else 0
        for before, after in zip(removed[:paired], added[:paired], strict=True):
            result.append(DiffLine("changed", _words_diff(before, after)))
        result += [DiffLine("removed", [("removed", line)]) for line in removed[paired:]]
        result += [DiffLine("added", [("added", line)]) for line in added[paired:]]
    return result
