"""An evidence index kept outside the evidence folder (`--index FILE`), and the index `--suggest` writes.

The file has evidence.yaml's format: each key a path relative to the evidence folder, each value that file's
metadata (docs/evidence.md). It may live anywhere, so that an evidence folder on a read-only synced drive can
still be described: sgpack never writes into the folder. Per key a sidecar beats it, and it beats the folder's
own evidence.yaml.

`suggest()` writes what sgpack inferred for every file (type, date, title, the actions it links, whether it is a
record), each value with a comment saying where it came from, for a person to review and keep; read back with
`--index`, it gives the same catalogue.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .limits import Limits
from .model import Catalogue, EvidenceItem
from .paths import display_name, normalise, relative_problem
from .readers.base import Unreadable, decode_text, one_line
from .yamlsafe import MetaYamlError, load_yaml

__all__ = ["EvidenceIndexError", "OutsideIndex", "read_index", "suggest"]


class EvidenceIndexError(Exception):
    """The index file given cannot be used: one line for the user, with the line number where there is one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class OutsideIndex:
    label: str                                   # "index file evidence-index.yaml": how provenance names it
    entries: dict[str, object]                   # normalised path -> that file's metadata (as written)
    problems: list[str] = field(default_factory=list)
    digest: str = ""                             # of the bytes read: a catalogue made with it is keyed by it


def read_index(path: str | os.PathLike, limits: Limits) -> OutsideIndex:
    """Read the index file at `path`; raise EvidenceIndexError when it cannot be used at all. An entry that
    cannot be used (a path outside the folder, a value that is not `key: value` lines) is a problem listed with
    the catalogue, as one in the folder's evidence.yaml is."""
    name = Path(path).name
    label = f"index file {display_name(name)}"
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.max_meta_bytes + 1)
    except FileNotFoundError:
        raise EvidenceIndexError("index file not found") from None
    except IsADirectoryError:
        raise EvidenceIndexError("the index is a folder, not a file") from None
    except OSError as exc:
        raise EvidenceIndexError(f"cannot read the index file: {exc.strerror or exc}") from None
    if len(data) > limits.max_meta_bytes:
        raise EvidenceIndexError(f"the index file is larger than {limits.max_meta_bytes // (1024 * 1024)} MB")
    try:
        loaded = load_yaml(decode_text(data))
    except Unreadable as exc:
        raise EvidenceIndexError(str(exc)) from None
    except MetaYamlError as exc:
        text = str(exc)
        match = re.match(r"line (\d+): (.*)", text)
        if match:
            raise EvidenceIndexError(f"invalid YAML: {match.group(2)}", int(match.group(1))) from None
        raise EvidenceIndexError(text) from None
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise EvidenceIndexError("expected file paths (relative to the evidence folder), each with its metadata", 1)
    entries, problems = index_entries(loaded, label, limits)
    return OutsideIndex(label, entries, problems, hashlib.sha256(data).hexdigest())


def index_entries(loaded: dict, label: str, limits: Limits) -> tuple[dict[str, object], list[str]]:
    """An index's entries by normalised path, and a problem for each key that cannot name a file in the folder.
    The same resolver as every other path: a key that could only name something outside the folder never
    matches, and is reported (escaped) rather than looked up."""
    entries: dict[str, object] = {}
    problems: list[str] = []
    for key, value in loaded.items():
        bad = relative_problem(key, limits) if isinstance(key, str) else "is not a path"
        if bad:
            problems.append(f"{label}: entry {display_name(str(key))} ignored: {bad}")
            continue
        entries[normalise(key)] = value
    return entries, problems


# ------------------------------------------------------------------------------------------- suggest

def _explicit(source: str | None) -> bool:
    """A value someone wrote down (a sidecar, an index): not a suggestion."""
    return bool(source) and (source.startswith(("sidecar ", "index file ")) or source == "evidence.yaml")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's form is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return one_line(text, 160).replace("\n", " ")


def suggest(catalogue: Catalogue) -> str:
    """An evidence index holding every value sgpack inferred for each item, with its provenance as comments."""
    lines = ["# Evidence index suggested by sgpack: every value below was inferred from the files themselves.",
             "# Check each one; correct or delete what is wrong, then keep this file and give it to sgpack with",
             "# --index FILE. A value written here is used as given; a sidecar (<file>.meta.yaml) still beats it.",
             "# Keys are paths relative to the evidence folder.", ""]
    for item in catalogue.items:
        body = _entry(item)
        if body:
            lines.append(f"{_q(item.path)}:")
            lines.extend(body)
            lines.append("")
    if len(lines) == 5:
        lines.append("# Nothing to suggest: every value came from metadata someone wrote.")
    return "\n".join(lines).rstrip("\n") + "\n"


def _entry(item: EvidenceItem) -> list[str]:
    out: list[str] = []
    why = item.provenance
    if item.status == "not_read":
        return []
    if not _explicit(why.get("type")):
        if item.type == "other":
            out.append(f"  # type: ?   no type found ({_comment(why.get('type', 'no source'))}): set one")
        else:
            out.append(f"  type: {item.type}   # from {_comment(why.get('type', ''))}")
    if not _explicit(why.get("date")):
        if item.date is not None:
            out.append(f"  date: {item.date.isoformat()}   # from {_comment(why.get('date', ''))}")
            if item.period_end is not None:
                out.append(f"  period_end: {item.period_end.isoformat()}   # the period it covers ends then")
        elif not item.scores and not item.series:
            out.append(f"  # date: ?   {_comment(why.get('date', 'no date found'))}: set one if the file has a date")
    if item.title and not _explicit(why.get("title")):
        out.append(f"  title: {_q(item.title)}   # from {_comment(why.get('title', ''))}")
    if not item.record and not _explicit(why.get("record")):
        out.append(f"  record: false   # {_comment(why.get('record', ''))}; set true if it is the record itself")
    # links found in the text (the file's own keywords and front matter were written by someone: not suggested)
    inferred = [link for link in item.links if link.source in ("mention", "written", "described")]
    written = {link.target for link in item.links if link.source not in ("mention", "written", "described")}
    targets = [t for t in dict.fromkeys(link.target for link in inferred) if t not in written]
    if targets:
        out.append(f"  actions: [{', '.join(_q(t) for t in targets)}]")
        for target in targets:
            reasons = "; ".join(dict.fromkeys(_comment(link.why) for link in inferred if link.target == target))
            out.append(f"  #   {target}: {_comment(reasons)}")
    return out
