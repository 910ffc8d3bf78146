"""Catalogue the evidence folder: read what the walk (evidence_store.survey) found, hash, resolve metadata."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from . import snapshot
from .cache import EvidenceCache
from .scancache import ScanCache
from .shelf import Shelf
from .index import OutsideIndex, index_entries, read_index
from .isolate import ISOLATED, Outcome, give_back, pool_for
from .limits import Limits
from .links import TableRequest, Vocabulary, mention_pattern, text_links
from .ids import Draft, assign_ids, fresh, taken_again
from .metadata import MetaSource, Resolved, check_keys, resolve
from .model import Catalogue, EvidenceItem
from .paths import CHANGED, display_name, read_checked, settle
from .readers import READERS, ReadResult, Unreadable
from .readers.base import decode_text, one_line
from .survey import INDEX_NAME, EvidenceFolderError, Entry, Survey, file_format, read_meta, survey
from .tables import parse_table
from .yamlsafe import MetaYamlError, load_yaml

__all__ = ["EvidenceFolderError", "scan"]

# Files' bytes and what reading them gave come and go between the items, which stay: the heap they leave is
# given back to the system every so many files (a 60,301-file scan ended at 1.9 GB, 1.2 GB of it in use).
GIVE_BACK_EVERY = 2000


def scan(folder: str | Path, ids: Iterable[str] | Vocabulary = (), *, limits: Limits | None = None,
         progress: Callable[[int, int], None] | None = None, cache: EvidenceCache | None = None,
         surveyed: Survey | None = None, index: str | Path | None = None,
         as_of: dt.date | None = None) -> Catalogue:
    """Catalogue every file under `folder`. Never writes there and never opens anything outside it
    (but `index`: an evidence index kept elsewhere, evidence_store.index; EvidenceIndexError when it cannot be
    used). `as_of`: no date after it is taken from a file's name or text (default: today).
    `ids`: what to look for in the files' text: plan and action ids, or a Vocabulary (with the actions'
    titles, so actions written loosely or described by their title link too).

    With a `cache` (evidence_store.cache.open_cache), files read before are not read again: what
    reading gave is looked up by content hash, and the hash of a file whose size, mtime and ctime
    are unchanged is not computed again. When nothing the catalogue is made of changed, the catalogue
    built last time is used whole; otherwise the items of the files whose own inputs did not change
    are taken from it, and only the others are read and resolved again (evidence_store.snapshot).
    `surveyed`: this folder's survey (evidence_store.survey) with this cache and limits, when one
    was taken already; the scan records in it the hash of each file as read (`used`)."""
    found = surveyed or survey(folder, limits=limits, cache=cache)
    limits, files, root, shown = found.limits, found.files, found.root, found.shown
    outside = read_index(index, limits) if index is not None else None
    index, index_notes, problems = _load_index(found.index_entry, limits, found.cache)
    known = {e.rel for e in files}
    problems += [f"{INDEX_NAME}: entry {display_name(path)} names no file in the evidence folder"
                 for path in index if path not in known]
    if outside is not None:
        problems += outside.problems
        problems += [f"{outside.label}: entry {display_name(path)} names no file in the evidence folder"
                     for path in outside.entries if path not in known]
    vocab = Vocabulary.of(ids)
    pattern = mention_pattern(vocab.ids)
    # what a catalogue of this folder also depends on: the words looked for (keys the cache's entries)
    wanted = frozenset({f"vocabulary:{vocab.digest()}"})
    # ... and the index kept outside the folder, when one is given
    as_of = as_of or dt.date.today()
    made_of = wanted | {f"as-of:{as_of.isoformat()}"} | ({f"index:{outside.digest}"} if outside is not None else set())
    reuse = ScanCache(found.cache, root, limits, wanted, found.started) if found.cache is not None else None
    try:
        hashes = found.hashes
        earlier, shared, taken, keys = None, "", {}, [None] * len(files)
        if reuse is not None:
            whole = found.key(made_of)
            catalogue = snapshot.load(reuse.cache, whole, shown, root, made_of) if whole else None
            if catalogue is not None:            # nothing it is made of changed: no file is read again
                if progress is not None:
                    progress(len(files), len(files))
                reuse.flush()
                found.used = list(hashes)
                return catalogue
            # something changed: the items of the files that did not are taken from the latest catalogue. The files
            # whose hash is not known are read whatever it holds: their readers start while it is loaded
            pool_for(limits).start(sum(1 for entry, sha in zip(files, hashes) if sha is None and not entry.problem
                                       and file_format(entry.rel) in ISOLATED))
            shared = snapshot.context(shown, root, limits, made_of, [index_notes, outside.label if outside else None])
            earlier = snapshot.previous(reuse.cache, shown, root, made_of, shared)
            if earlier is not None:
                kept = dict(zip(earlier.keys, zip(earlier.catalogue.items, earlier.candidates)))
                keys = [_file_key(found, n, sha, index, outside, reuse) for n, sha in enumerate(hashes)]
                taken = {n: kept[key] for n, key in enumerate(keys) if key in kept}
        todo = [n for n in range(len(files)) if n not in taken]
        if reuse is not None:
            reuse.prefetch([(file_format(files[n].rel), hashes[n]) for n in todo if hashes[n] is not None])
        made: dict[int, Draft] = {}

        def make(i: int, outcome: Outcome) -> None:     # as each file is read; what reading gave is not kept on
            entry = files[todo[i]]
            made[todo[i]] = fresh(*_item(entry, outcome, index, index_notes, found.sidecars.get(entry.rel), limits,
                                         vocab, pattern, reuse, outside, as_of))
            outcome.result = None
            if len(made) % GIVE_BACK_EVERY == 0:
                give_back()

        outcomes = dict(zip(todo, _read_all([files[n] for n in todo], limits, progress, reuse,
                                            [hashes[n] for n in todo], len(taken), len(files), make)))
        drafts = [taken_again(*taken[n]) if n in taken else made[n] for n in range(len(files))]
        items = assign_ids(drafts)
        catalogue = Catalogue(root=shown, items=items, problems=problems)
        if reuse is not None:
            if not (any(outcome.transient for outcome in outcomes.values()) or found.unsettled()):
                found.used = [items[n].sha256 or None if n in taken else outcomes[n].sha256 or None
                              for n in range(len(files))]
                whole = found.key(made_of, found.used)
                keys = [keys[n] if n in taken else _file_key(found, n, sha, index, outside, reuse)
                        for n, sha in enumerate(found.used)]
                if whole and None not in keys:
                    catalogue.keep_keys(shared, keys)
                    snapshot.store(reuse.cache, whole, shown, root, made_of, catalogue, keys,
                                   [draft.candidate for draft in drafts], shared, earlier)
            reuse.flush()
    finally:
        if reuse is not None:
            reuse.release()
    return catalogue


def _file_key(found: Survey, n: int, sha: str | None, index: dict[str, dict], outside: OutsideIndex | None,
              reuse: ScanCache) -> str | None:
    """The key of what the n-th file's item is made of (snapshot.file_key), or None when its hash is not known."""
    entry = found.files[n]
    fmt = file_format(entry.rel)
    held = snapshot.content_of(entry, sha, found.limits, lambda fmt: READERS.get(fmt) is not None, file_format)
    if held is None:
        return None
    entries = [index.get(entry.rel), outside.entries.get(entry.rel) if outside is not None else None]
    return snapshot.file_key(entry, [*held, reuse.version(fmt)], found.sidecars.get(entry.rel), found.meta, entries)


# ------------------------------------------------------------------------------------------- reading

def _read_all(files: list[Entry], limits: Limits, progress: Callable[[int, int], None] | None,
              reuse: ScanCache | None = None, known: list[str | None] | None = None, done: int = 0,
              total: int | None = None, made: Callable[[int, Outcome], None] | None = None) -> list[Outcome]:
    """Hash and read every file: PDF/DOCX/XLSX in child processes (time and memory limits), the rest here.
    A file whose bytes were read before (same hash, same reader version) is taken from the cache.
    `done` of `total` files are done already (progress counts on from there); `made(i, outcome)` is called as
    the i-th file is done (in the order they are done), so what reading gave need not all be held at once."""
    outcomes: list[Outcome | None] = [None] * len(files)
    known = known or [None] * len(files)
    total = len(files) if total is None else total
    pool = pool_for(limits)

    def finish(pairs: list[tuple[object, Outcome]]) -> None:
        nonlocal done
        for key, outcome in pairs:
            index = int(key)  # type: ignore[call-overload]
            held = outcomes[index]
            if held is not outcome:          # from a child: keep the size and hash taken here
                held.result, held.reason, held.transient = outcome.result, outcome.reason, outcome.transient
            if reuse is not None and held.sha256 and not held.transient and not held.cached:
                reuse.store(file_format(files[index].rel), held.sha256, held.result, held.reason)
            if made is not None:
                made(index, held)
            done += 1
            if progress is not None:
                progress(done, total)

    try:
        for index, entry in enumerate(files):
            fmt = file_format(entry.rel)
            outcome, data = _prepare(entry, fmt, limits, reuse, known[index])
            outcomes[index] = outcome
            if data is not None and fmt in ISOLATED and pool.enabled:
                pool.submit(index, fmt, data, limits)
                del data
            else:
                if data is not None:
                    _read_here(outcome, fmt, data, limits)
                finish([(index, outcome)])
            if pool.pending:
                finish(pool.finished())
        finish(pool.drain())
    except BaseException:
        pool.close()                     # children in the middle of a file are not left running
        raise
    return outcomes  # type: ignore[return-value]


def _prepare(entry: Entry, fmt: str, limits: Limits, reuse: ScanCache | None = None,
             known: str | None = None) -> tuple[Outcome, bytes | None]:
    """The outcome so far (size, hash, or why there is nothing to read) and the bytes to read.
    None for the bytes when there is nothing to read, or the cache already knows the outcome.
    `known`: the file's hash when the cache knows it is unchanged (evidence_store.survey)."""
    if entry.problem:
        return Outcome(reason=entry.problem, status=entry.status), None
    if READERS.get(fmt) is None:
        reason = f"format not read (.{fmt})" if fmt else "format not read (no extension)"
        return Outcome(reason=reason, status="not_read", size=entry.target.size), None
    info = entry.target.info
    if reuse is not None and known is not None and info is not None:
        cached = _from_cache(reuse, fmt, known, info.st_size)
        if cached is not None:
            return cached, None
    data, size, problem, target = settle(lambda checked: read_checked(checked, limits.max_file_bytes), entry.target)
    if problem:
        return Outcome(reason=problem, size=size, transient=problem == CHANGED), None
    if target is not entry.target:           # read again after it changed: the entry is what was read
        entry.target, info = target, target.info
    outcome = Outcome(size=size, sha256=hashlib.sha256(data).hexdigest())
    if not data:
        outcome.reason = "file is empty"
        return outcome, None
    if reuse is not None:
        if info is not None and info.st_size == size:
            reuse.remember(entry.rel, info, outcome.sha256)
        cached = _from_cache(reuse, fmt, outcome.sha256, size)
        if cached is not None:
            return cached, None
    return outcome, data


def _from_cache(reuse: ScanCache, fmt: str, sha256: str, size: int) -> Outcome | None:
    found = reuse.outcome(fmt, sha256)
    if found is None:
        return None
    result, reason = found
    return Outcome(result=result, reason=reason, size=size, sha256=sha256, cached=True)


def _read_here(outcome: Outcome, fmt: str, data: bytes, limits: Limits) -> None:
    try:
        outcome.result = READERS[fmt](data, limits)
    except Unreadable as exc:
        outcome.reason = one_line(str(exc), 300)
    except Exception as exc:  # noqa: BLE001 - a reader must never stop the run
        outcome.reason = one_line(f"could not be read ({type(exc).__name__}: {exc})", 300)
        outcome.transient = isinstance(exc, MemoryError)


# ------------------------------------------------------------------------------------------ metadata

def _load_yaml_file(entry: Entry, label: str, limits: Limits,
                    cache: EvidenceCache | None = None) -> tuple[object, str | None]:
    data, _, problem = read_meta(entry, limits)
    if problem:
        return None, f"{label} ignored: {problem}"
    try:
        return _parsed(decode_text(data), cache), None
    except Unreadable as exc:
        return None, f"{label} ignored: {exc}"
    except MetaYamlError as exc:
        return None, f"{label} ignored: invalid YAML ({exc})"


def _parsed(text: str, cache: EvidenceCache | None) -> object:
    """load_yaml(text); with a cache, what it gave for the same text before. A care group's evidence.yaml is long:
    parsing it was 0.2 s of a check after one file changed. What is kept is what the YAML says, as plain data, and
    goes through every check the file's own words would."""
    shelf = Shelf(cache, "metadata-yaml", snapshot.code_digest() if cache is not None else "")
    if not shelf.on:
        return load_yaml(text)
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return shelf.remember(key, lambda: load_yaml(text), write=lambda data: (data, None), read=lambda value, _: value)


def _load_index(entry: Entry | None, limits: Limits,
                cache: EvidenceCache | None = None) -> tuple[dict[str, dict], list[str], list[str]]:
    """evidence.yaml -> ({normalised path: metadata}, notes for every item, problems with single keys)."""
    if entry is None:
        return {}, [], []
    data, problem = _load_yaml_file(entry, INDEX_NAME, limits, cache)
    if problem:
        return {}, [problem], []
    if data is None:
        return {}, [], []
    if not isinstance(data, dict):
        return {}, [f"{INDEX_NAME} ignored: expected file paths, each with its metadata"], []
    index, problems = index_entries(data, INDEX_NAME, limits)
    return index, [], problems


def _explicit(entry: Entry, index: dict[str, dict], index_notes: list[str], sidecar: Entry | None,
              limits: Limits, notes: list[str], outside: OutsideIndex | None = None) -> list[MetaSource]:
    """Explicit metadata for one file, first found wins per key: its sidecar, the index given with --index, the
    folder's evidence.yaml."""
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
    if outside is not None and entry.rel in outside.entries:
        value = outside.entries[entry.rel]
        if isinstance(value, dict):
            sources.append(MetaSource(outside.label, "index", check_keys(value, outside.label, notes)))
        elif value is not None:
            notes.append(f"{outside.label} entry for this file ignored: expected 'key: value' lines")
    if entry.rel in index:
        value = index[entry.rel]
        if isinstance(value, dict):
            sources.append(MetaSource(INDEX_NAME, "index", check_keys(value, INDEX_NAME, notes)))
        elif value is not None:
            notes.append(f"{INDEX_NAME} entry for this file ignored: expected 'key: value' lines")
    return sources


# ------------------------------------------------------------------------------------------ one item

def _item(entry: Entry, outcome: Outcome, index, index_notes, sidecar, limits: Limits,  # noqa: ANN001
          vocab: Vocabulary, pattern, reuse: ScanCache | None = None,  # noqa: ANN001
          outside: OutsideIndex | None = None, as_of: dt.date | None = None) -> tuple[dict, Resolved]:
    fmt = file_format(entry.rel)
    fields: dict = {"path": entry.rel, "format": fmt, "status": "ok"}
    notes: list[str] = list(entry.notes)
    result: ReadResult | None = outcome.result
    if outcome.size or not entry.problem:
        fields["size"] = outcome.size
    if outcome.sha256:
        fields["sha256"] = outcome.sha256
    if outcome.reason:
        fields.update(status=outcome.status, reason=outcome.reason)
        result = None
    sources = _explicit(entry, index, index_notes, sidecar, limits, notes, outside)
    request = vocab.table_for(entry.rel)
    named_as = f"plan {request.plan}, which names it as indicator {request.indicator}'s data" if request else None
    text_dates = reuse.text_dates(fmt, outcome.sha256, result.chunks) \
        if reuse is not None and result is not None and outcome.sha256 else None
    resolved = resolve(entry.rel, sources, result, vocab.ids, as_of, named_as, text_dates)
    fields.update(resolved.fields)
    notes.extend(resolved.notes)
    if result is not None:
        notes.extend(result.notes)
        fields.update(pages=result.pages, width=result.width, height=result.height)
        if result.rows is not None:
            _table(fields, resolved, result, request, limits, fmt, notes)
        if fields["status"] == "ok":          # an unreadable file counts for nothing: no text, no mentions
            fields["text"] = "\n".join(chunk.text for chunk in result.chunks)
            if reuse is not None:
                found = reuse.mentions(fmt, outcome.sha256, result.chunks, pattern, vocab)
            else:
                found = text_links(result.chunks, pattern, vocab)
            if not fields.get("record", True):
                found = []                    # an agenda or a blank form links nothing it mentions
            elif resolved.explicit_actions:   # the user listed its actions: only those, and exact ids, link
                found = [link for link in found if link.source == "mention"]
            resolved.links.extend(found)
    if notes:
        resolved.provenance["notes"] = "; ".join(dict.fromkeys(notes))
    return fields, resolved


def _table(fields: dict, resolved: Resolved, result: ReadResult, request: TableRequest | None, limits: Limits,
           fmt: str, notes: list[str]) -> None:
    """Audit scores or an indicator series from a CSV or a workbook's sheet: the sheet and columns a plan's
    `data:` names, or the columns explicit metadata names (`columns:`), else as evidence_store.tables finds them."""
    rows, truncated = result.rows, result.rows_truncated
    if request is not None and request.sheet:
        sheets = result.sheets or {}
        wanted = next((name for name in sheets if name.strip().casefold() == request.sheet.strip().casefold()), None)
        if wanted is None:
            names = ", ".join(repr(one_line(name, 40)) for name in sheets) or "none"
            fields["table_problem"] = (f"no sheet {one_line(request.sheet, 40)!r} in the workbook (plan {request.plan}, "
                                       f"indicator {request.indicator}); sheets: {names}")
            notes.append(fields["table_problem"])
            return
        rows, truncated = sheets[wanted]
    columns = resolved.columns
    if columns is None and request is not None and (request.period or request.value):
        columns = {role: name for role, name in (("period", request.period), ("value", request.value)) if name}
    try:
        table = parse_table(rows, fields.get("type", "other"), columns)
        if truncated and (table.scores or table.series):
            raise Unreadable(f"table has more rows than the limit "
                             f"({limits.max_csv_rows if fmt == 'csv' else limits.max_xlsx_rows})")
    except Unreadable as exc:
        fields.update(status="unreadable", reason=one_line(str(exc), 300))
        return
    fields.update(columns=table.columns, scores=table.scores, series=table.series)
    if table.problem:
        fields["table_problem"] = table.problem
        notes.append(table.problem)
    if table.provenance:
        resolved.provenance["table"] = table.provenance
    if table.period_end and "period_end" not in fields:       # the last period the series covers
        fields["period_end"] = table.period_end
        resolved.provenance["period_end"] = "the table's latest period"
