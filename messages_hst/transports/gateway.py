"""`gateway`: the signed JSON and its text rendering are dropped into a folder an I-24/7
gateway picks up (`<HST_GATEWAY_DIR>/<ncb code>/<message id>.json` and `.txt`).

Each file is written atomically (a temporary file in the same folder, fsync, rename, fsync of
the folder), the rendering first, so a gateway that reacts to `.json` files always finds the
complete pair. Writing again after a crash rewrites the same bytes under the same names. The
recipient's RECEIPT arrives later through the inbox as a RECEIPT message.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from contacts.choices import MessageTransport
from messages_hst.choices import AttemptOutcome
from messages_hst.transports.base import Transport, TransportResult

if TYPE_CHECKING:
    from messages_hst.models import Delivery

SAFE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,11}")


def gateway_dir() -> Path:
    return Path(getattr(settings, "HST_GATEWAY_DIR", Path(settings.BASE_DIR) / "var/hst-gateway"))


def write_atomically(path: Path, data: bytes) -> None:
    """`path` holds `data` entirely or is untouched, even if the process dies midway."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a power cut
    finally:
        os.close(folder)


class GatewayTransport(Transport):
    name = MessageTransport.GATEWAY

    def __init__(self, root: Path | None = None) -> None:
        self.root = root

    def send(self, delivery: Delivery, signed_bytes: bytes) -> TransportResult:
        code = delivery.recipient_ncb.code
        if not SAFE_CODE.fullmatch(code):
            return TransportResult(
                AttemptOutcome.PERMANENT, detail=f"NCB code {code!r} cannot name a folder"
            )
        message = delivery.message
        folder = (self.root or gateway_dir()) / code
        stem = str(message.message_id)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomically(folder / f"{stem}.txt", message.rendering.encode("utf-8"))
            write_atomically(folder / f"{stem}.json", signed_bytes)
        except OSError as error:
            # A full disk, a missing mount, a permission: an operator can fix it before the
            # deadline, so the delivery keeps retrying.
            reason = os.strerror(error.errno) if error.errno else type(error).__name__
            return TransportResult(
                AttemptOutcome.TRANSIENT, detail=f"gateway folder not writable: {reason}"
            )
        return TransportResult(
            AttemptOutcome.HANDED_OVER, detail=f"written to the gateway folder {code}/"
        )
