"""`sgpack evidence --suggest FILE`: the evidence index of what sgpack inferred, written for a person to confirm."""
from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path

from compiler.errors import SgpackError
from evidence_store.model import Catalogue


def write_suggestion(path: str | Path, catalogue: Catalogue, evidence: str | Path) -> int:
    """Write the suggested index to `path`, a new file outside the evidence folder, whole or not at all.
    Returns how many files it describes. An existing file is never replaced: it may be an index someone edited."""
    from evidence_store.index import suggest

    target = Path(os.path.abspath(path))
    folder = Path(os.path.realpath(evidence))
    if Path(os.path.realpath(target)).is_relative_to(folder):
        raise SgpackError("--suggest would write into the evidence folder, which sgpack never writes to; "
                          "give a path outside it", file=str(path))
    if target.exists() or target.is_symlink():
        raise SgpackError("file exists: sgpack does not replace an index you may have edited; give another name "
                          "or remove it first", file=str(path))
    if not target.parent.is_dir():
        raise SgpackError("the folder for --suggest does not exist", file=str(path))
    text = suggest(catalogue)
    temp = target.parent / f".{target.name}.sgpack-tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        with open(temp, "xb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, target)        # fails when the name was taken meanwhile: nothing is replaced
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK) \
                    or target.exists():
                raise
            os.rename(temp, target)      # a file system without hard links
    except FileExistsError:
        raise SgpackError("file exists: sgpack does not replace an index you may have edited", file=str(path)) from None
    except OSError as exc:
        raise SgpackError(f"cannot write the suggested index: {exc.strerror or exc}", file=str(path)) from None
    finally:
        temp.unlink(missing_ok=True)
    return sum(1 for line in text.splitlines() if line.startswith('"'))
