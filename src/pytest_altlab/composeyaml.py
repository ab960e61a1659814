"""Compose files written so that compose reads back every string as the string we wrote.

PyYAML writes YAML 1.1 and quotes only what a YAML 1.1 reader would take for another type; compose reads YAML 1.2,
where more plain scalars are numbers: `063836` (a state folder's tag of digits), `1e5`, `0o17`. Unquoted, the
label io.altlab.home=063836 came back as 63836, and every lookup of that folder's running labs by the label missed
them: an exam candidate showed as down while their containers ran."""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["dump_compose"]

# The YAML 1.2 core schema's non-string plain scalars (null, bool, int, float), underscores allowed as some readers do.
_NOT_A_STRING_IN_YAML12 = re.compile(
    r"~|null|Null|NULL|true|True|TRUE|false|False|FALSE"
    r"|[-+]?[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+"
    r"|[-+]?(\.[0-9][0-9_]*|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


class _ComposeDumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    quote = "'" if data == "" or _NOT_A_STRING_IN_YAML12.fullmatch(data) else None  # else PyYAML's own choice
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=quote)


_ComposeDumper.add_representer(str, _str)


def dump_compose(doc: dict[str, Any]) -> str:
    return yaml.dump(doc, Dumper=_ComposeDumper, sort_keys=False)
