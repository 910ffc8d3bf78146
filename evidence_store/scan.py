"""Walk the evidence folder safely (read-only, no links out, size caps), hash, read, resolve metadata."""
from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .limits import DEFAULT_LIMITS, Limits, human_bytes
from .metadata import MetaSource, Resolved, check_keys, mention_pattern, mentions, resolve, slug
from .model import Catalogue, EvidenceItem
from .readers import READERS, ReadResult, Unreadable
from .readers.base import decode_text, one_line
from .tables import parse_table
from .yamlsafe import MetaYamlError, load_yaml

INDEX_NAME = "evidence.yaml"
SIDECAR_SUFFIX = ".meta.yaml"
_JUNK = {"thumbs.db", "desktop.ini"}
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
    | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class EvidenceFolderError(Exception):
    """The evidence folder itself cannot be used (missing, not a folder); one line for the user."""


@dataclass
class _Entry:
    rel: str                      # relative POSIX path
    real: str | None              # what to open; None when it must not be opened
    problem: str | None = None    # why it is unreadable before any read
    status: str = "unreadable"    # status when there is a problem


def scan(folder: str | Path, ids: Iterable[str] = (), *, limits: Limits | None = None,
         progress: Callable[[int, int], None] | None = None) -> Catalogue:
    """Catalogue every file under `folder`. Never writes there and never opens anything outside it."""
    limits = limits or DEFAULT_LIMITS
    root = os.path.realpath(os.fspath(folder))
    if not os.path.isdir(root):
        raise EvidenceFolderError(f"evidence folder not found or not a folder: {os.fspath(folder)}")
    files: list[_Entry] = []
    meta_files: dict[str, _Entry] = {}
    _walk(root, root, "", 0, limits, files, meta_files)
    files.sort(key=lambda e: e.rel)

    index, index_notes = _load_index(meta_files.pop(INDEX_NAME, None), limits)
    sidecars = _match_sidecars(meta_files, files)
    wanted = frozenset(ids)
    pattern = mention_pattern(wanted)

    drafts: list[tuple[dict, Resolved]] = []
    for done, entry in enumerate(files, start=1):
        drafts.append(_item(entry, index, index_notes, sidecars.get(entry.rel), limits, wanted, pattern))
        if progress is not None:
            progress(done, len(files))
    return Catalogue(root=os.fspath(folder), items=_assign_ids(drafts))


# ---------------------------------------------------------------------------------------------- walk

def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _bad_name(name: str) -> str | None:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8; rename the file"
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        return "file name contains control or invisible characters; rename the file"
    return None


def _walk(root: str, directory: str, prefix: str, depth: int, limits: Limits,
          files: list[_Entry], meta_files: dict[str, _Entry]) -> None:
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        files.append(_Entry(prefix.rstrip("/") or ".", None, f"folder cannot be listed ({exc.strerror})"))
        return
    for entry in entries:
        name = entry.name
        if name.startswith((".", "~$")) or name.lower() in _JUNK:
            continue
        rel = prefix + name
        bad = _bad_name(name)
        if bad:
            shown = prefix + os.fsencode(name).decode("utf-8", "backslashreplace").encode(
                "ascii", "backslashreplace").decode("ascii")
            files.append(_Entry(shown, None, bad))
            continue
        try:
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not _inside(target, root):
                    files.append(_Entry(rel, None, "link points outside the evidence folder"))
                    continue
                try:
                    mode = os.stat(target).st_mode
                except OSError:
                    files.append(_Entry(rel, None, "link target cannot be found"))
                    continue
                if stat.S_ISDIR(mode):
                    files.append(_Entry(rel, None, "link to a folder; links to folders are not followed",
                                        status="not_read"))
                    continue
                real = target
            else:
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    if depth + 1 > limits.max_depth:
                        files.append(_Entry(rel, None, f"folder nested deeper than {limits.max_depth} levels; "
                                                       "not read", status="not_read"))
                    else:
                        _walk(root, entry.path, rel + "/", depth + 1, limits, files, meta_files)
                    continue
                real = entry.path
            if not stat.S_ISREG(mode):
                files.append(_Entry(rel, None, "not a regular file (a device, pipe or socket)"))
                continue
        except OSError as exc:
            files.append(_Entry(rel, None, f"cannot be read ({exc.strerror or exc})"))
            continue
        if (rel == INDEX_NAME) or name.endswith(SIDECAR_SUFFIX):
            meta_files[rel] = _Entry(rel, real)
        else:
            files.append(_Entry(rel, real))


def _read_bytes(path: str, cap: int) -> tuple[bytes | None, int, str | None]:
    """Open once without following links, check it is a regular file, read at most cap bytes."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        return None, 0, f"cannot be opened ({exc.strerror or exc})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, 0, "not a regular file (a device, pipe or socket)"
        if info.st_size > cap:
            return None, info.st_size, f"file is larger than the {human_bytes(cap)} limit"
        chunks, total = [], 0
        while chunk := os.read(fd, min(1 << 20, cap + 1 - total) or 1):
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                return None, total, f"file is larger than the {human_bytes(cap)} limit"
        return b"".join(chunks), total, None
    except OSError as exc:
        return None, 0, f"cannot be read ({exc.strerror or exc})"
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------------ metadata

def _load_yaml_file(entry: _Entry, label: str, limits: Limits) -> tuple[object, str | None]:
    data, _, problem = _read_bytes(entry.real, limits.max_meta_bytes) if entry.real else (None, 0, "unreadable")
    if problem:
        return None, f"{label} ignored: {problem}"
    try:
        return load_yaml(decode_text(data)), None
    except Unreadable as exc:
        return None, f"{label} ignored: {exc}"
    except MetaYamlError as exc:
        return None, f"{label} ignored: invalid YAML ({exc})"


def _load_index(entry: _Entry | None, limits: Limits) -> tuple[dict[str, dict], list[str]]:
    if entry is None:
        return {}, []
    data, problem = _load_yaml_file(entry, INDEX_NAME, limits)
    if problem:
        return {}, [problem]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [f"{INDEX_NAME} ignored: expected file paths, each with its metadata"]
    index: dict[str, dict] = {}
    for key, value in data.items():
        path = str(key).strip().replace("\\", "/")
        while path.startswith("./"):
            path = path[2:]
        index[path] = value
    return index, []


def _match_sidecars(meta_files: dict[str, _Entry], files: list[_Entry]) -> dict[str, _Entry]:
    """`report.pdf.meta.yaml` belongs to `report.pdf`; `report.meta.yaml` to the one file named `report.*`."""
    by_path = {e.rel: e for e in files}
    by_stem: dict[str, list[str]] = {}
    for e in files:
        head, _, name = e.rel.rpartition("/")
        if "." in name:
            by_stem.setdefault(f"{head}/{name.rsplit('.', 1)[0]}" if head else name.rsplit(".", 1)[0], []).append(e.rel)
    out: dict[str, _Entry] = {}
    for rel, entry in meta_files.items():
        base = rel[: -len(SIDECAR_SUFFIX)]
        if base in by_path:
            out[base] = entry
    for rel, entry in meta_files.items():
        base = rel[: -len(SIDECAR_SUFFIX)]
        if base not in by_path and len(by_stem.get(base, [])) == 1 and by_stem[base][0] not in out:
            out[by_stem[base][0]] = entry
    return out


def _explicit(entry: _Entry, index: dict[str, dict], index_notes: list[str], sidecar: _Entry | None,
              limits: Limits, notes: list[str]) -> list[MetaSource]:
    sources = []
    notes.extend(index_notes)
    if sidecar is not None:
        label = f"sidecar {sidecar.rel.rsplit('/', 1)[-1]}"
        data, problem = _load_yaml_file(sidecar, label, limits)
        if problem:
            notes.append(problem)
        elif isinstance(data, dict):
            sources.append(MetaSource(label, "sidecar", check_keys(data, label, notes)))
        elif data is not None:
            notes.append(f"{label} ignored: expected 'key: value' lines")
    if entry.rel in index:
        value = index[entry.rel]
        if isinstance(value, dict):
            sources.append(MetaSource(INDEX_NAME, "index", check_keys(value, INDEX_NAME, notes)))
        elif value is not None:
            notes.append(f"{INDEX_NAME} entry for this file ignored: expected 'key: value' lines")
    return sources


# ------------------------------------------------------------------------------------------ one item

def _item(entry: _Entry, index, index_notes, sidecar, limits: Limits, ids: frozenset[str],
          pattern) -> tuple[dict, Resolved]:  # noqa: ANN001
    name = entry.rel.rsplit("/", 1)[-1]
    fmt = name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""
    fields: dict = {"path": entry.rel, "format": fmt, "status": "ok"}
    notes: list[str] = []
    result: ReadResult | None = None
    reader = READERS.get(fmt)
    if entry.problem:
        fields.update(status=entry.status, reason=entry.problem)
    elif reader is None:
        fields.update(status="not_read", reason=f"format not read (.{fmt})" if fmt else "format not read (no extension)")
        try:
            fields["size"] = os.stat(entry.real, follow_symlinks=False).st_size
        except OSError:
            pass
    else:
        data, size, problem = _read_bytes(entry.real, limits.max_file_bytes)
        fields["size"] = size
        if problem:
            fields.update(status="unreadable", reason=problem)
        else:
            fields["sha256"] = hashlib.sha256(data).hexdigest()
            if not data:
                fields.update(status="unreadable", reason="file is empty")
            else:
                try:
                    result = reader(data, limits)
                except Unreadable as exc:
                    fields.update(status="unreadable", reason=one_line(str(exc), 300))
                except Exception as exc:  # noqa: BLE001 - a reader must never stop the run
                    fields.update(status="unreadable",
                                  reason=one_line(f"could not be read ({type(exc).__name__}: {exc})", 300))
    sources = _explicit(entry, index, index_notes, sidecar, limits, notes)
    resolved = resolve(entry.rel, sources, result, ids)
    fields.update(resolved.fields)
    notes.extend(resolved.notes)
    if result is not None:
        notes.extend(result.notes)
        fields.update(pages=result.pages, width=result.width, height=result.height)
        if result.rows is not None:
            try:
                table = parse_table(result.rows, fields.get("type", "other"))
                if result.rows_truncated and (table.scores or table.series):
                    raise Unreadable(f"table has more rows than the limit ({limits.max_csv_rows if fmt == 'csv' else limits.max_xlsx_rows})")
                fields.update(columns=table.columns, scores=table.scores, series=table.series)
            except Unreadable as exc:
                fields.update(status="unreadable", reason=one_line(str(exc), 300))
        if fields["status"] == "ok":          # an unreadable file counts for nothing: no text, no mentions
            fields["text"] = "\n".join(chunk.text for chunk in result.chunks)
            resolved.links.extend(mentions(result.chunks, pattern))
    if notes:
        resolved.provenance["notes"] = "; ".join(dict.fromkeys(notes))
    return fields, resolved


def _assign_ids(drafts: list[tuple[dict, Resolved]]) -> list[EvidenceItem]:
    """Ids given in metadata first (a clash: the later item keeps its slug), then unique slugs."""
    taken: dict[str, str] = {}
    chosen: list[str | None] = []
    for fields, resolved in drafts:
        if resolved.id_candidate:
            value, label = resolved.id_candidate
            if value in taken:
                resolved.provenance["id"] = (f"default: slug of path ({label} gave id {value!r}, "
                                             f"already used by {taken[value]})")
                chosen.append(None)
                continue
            taken[value] = fields["path"]
            resolved.provenance["id"] = label
            chosen.append(value)
        else:
            chosen.append(None)
    items = []
    for (fields, resolved), value in zip(drafts, chosen):
        if value is None:
            base = slug(fields["path"])
            value, n = base, 1
            while value in taken:
                n += 1
                value = f"{base}-{n}"
            taken[value] = fields["path"]
            why = resolved.provenance.get("id")
            if why is None:
                why = "default: slug of path" + (f" (made unique with -{n})" if n > 1 else "")
            elif n > 1:
                why = why.replace("default: slug of path (", f"default: slug of path, made unique with -{n} (")
            resolved.provenance["id"] = why
        provenance = {k: resolved.provenance[k] for k in sorted(resolved.provenance, key=_prov_order)}
        items.append(EvidenceItem(id=value, links=resolved.links, provenance=provenance, **fields))
    items.sort(key=lambda item: item.path)
    return items


_ORDER = ("id", "type", "title", "date", "period_end", "service", "author", "tags", "notes")


def _prov_order(key: str) -> int:
    return _ORDER.index(key) if key in _ORDER else len(_ORDER)
