"""Short labels cut from long text at a word boundary, so a title never ends mid-word."""

from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters: cut after the last whole word that
    fits and marked with an ellipsis. A first word longer than the limit is cut inside."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    head = flat[: limit - len(ELLIPSIS)]
    if flat[len(head)] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.-—") + ELLIPSIS
