"""What a self-contained page is made of: the files we ship, inlined, and data as JSON that no
text in it can break out of. The pages (``timepage``, ``timeline``) build on these."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

__all__ = ["asset", "json_for_script", "vis_network"]

_SOURCE_MAP = re.compile(r"\n?/[/*]# sourceMappingURL=\S+(?: \*/)?\s*$")
_BLOCK_END = re.compile(r"</(script|style)", re.I)


def _checked(text: str, name: str) -> str:
    text = _SOURCE_MAP.sub("\n", text)  # a page that opens from file:// has no map to fetch
    if _BLOCK_END.search(text):  # an update of a shipped file could end the inline block early
        raise RuntimeError(f"{name} contains '</script' or '</style'; it cannot be inlined")
    return text


def asset(*parts: str) -> str:
    """A file shipped in ``allegiance.viz`` (``"timepage.js"``, ``"vendor", "vis-timeline", ...``)."""
    return _checked(resources.files("allegiance.viz").joinpath(*parts).read_text(encoding="utf-8"), "/".join(parts))


def vis_network(name: str) -> str:
    """vis-network's standalone build (vis-data's DataSet and DataView included), as pyvis ships
    it: ``vis-network.min.js`` or ``vis-network.css``."""
    path = resources.files("pyvis").joinpath("templates", "lib", "vis-9.1.2", name)
    return _checked(path.read_text(encoding="utf-8"), f"pyvis's {name}")


def json_for_script(value: Any) -> str:
    """JSON that a ``<script type="application/json">`` block holds as it is, whatever the data
    says: every ``<``, ``>`` and ``&`` (and U+2028, U+2029) travels as a JSON escape, which
    ``JSON.parse`` turns back into the character, so nothing reads as ``</script`` or ``<!--``."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
