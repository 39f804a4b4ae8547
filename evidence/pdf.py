"""The court dossier's PDF for people (ReportLab), drawn from the manifest itself.

`dossier_pdf(manifest)` renders the manifest that the dossier builder is about to sign (with
every item, event, proof and the checkpoint, before the PDF is listed in it), so the PDF cannot
disagree with the machine-readable record: each custody event as it was hashed (its canonical
JSON, parsed), its hash and previous hash, its place in the log, the files' SHA-256, the
signed checkpoint and the public key, and how to check all of it offline.

Hashes, signatures and keys are set in Courier on lines of their own, short enough never to
wrap, so that a reader (or a test extracting the text) finds each one whole. The other text
uses DejaVu Sans when the system has it (names in Greek, Cyrillic or Arabic script), else
Helvetica (Latin only).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from evidence.choices import CustodyAction, EvidenceKind, EvidenceState

MARGIN = 15 * mm
PAGE_WIDTH = A4[0] - 2 * MARGIN
HASH_FONT = "Courier"
HASH_SIZE = 7
INTEGRITY_RED = colors.HexColor("#b00020")
DASH = "\u2013"
FONT_CANDIDATES = (
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ("DejaVuSans", "/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
FONT_BOLD_CANDIDATES = (
    ("DejaVuSans-Bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("DejaVuSans-Bold", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
)


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans if installed, else Helvetica."""
    chosen = []
    for candidates, fallback in (
        (FONT_CANDIDATES, "Helvetica"),
        (FONT_BOLD_CANDIDATES, "Helvetica-Bold"),
    ):
        name = fallback
        for font_name, path in candidates:
            if Path(path).is_file():
                try:
                    pdfmetrics.registerFont(TTFont(font_name, path))
                except Exception:  # noqa: S112 -- a broken font file: fall back, still print
                    continue
                name = font_name
                break
        chosen.append(name)
    return chosen[0], chosen[1]


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=16),
        "h2": ParagraphStyle(
            "h2", parent=base["Heading2"], fontName=bold, fontSize=12, spaceBefore=10
        ),
        "h3": ParagraphStyle(
            "h3", parent=base["Heading3"], fontName=bold, fontSize=10, spaceBefore=8
        ),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=8.5),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=7, leading=8.5),
        "cell_red": ParagraphStyle(
            "cell_red", fontName=bold, fontSize=7, leading=8.5, textColor=INTEGRITY_RED
        ),
        "head": ParagraphStyle("head", fontName=bold, fontSize=7, leading=8.5),
        "hash": ParagraphStyle("hash", fontName=HASH_FONT, fontSize=HASH_SIZE, leading=8.5),
        "hash_head": ParagraphStyle(
            "hash_head", fontName="Courier-Bold", fontSize=HASH_SIZE, leading=9, spaceBefore=3
        ),
    }


def _text(value: Any) -> str:
    """Escaped for a Paragraph (its markup is XML); None and "" print as a dash."""
    if value is None or value == "":
        return DASH
    return escape(str(value))


def _p(value: Any, style: str = "cell") -> Paragraph:
    return Paragraph(_text(value), _styles()[style])


def _hash_line(label: str, value: str) -> Paragraph:
    """`label value` on one line in Courier (labels padded so the values line up)."""
    return Paragraph(escape(f"{label:<5} {value}"), _styles()["hash"])


def _label(choices, code: Any) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code or "")


def _custodian(value: Any) -> str:
    if not isinstance(value, Mapping):
        return ""
    parts = [str(value.get(key) or "") for key in ("person", "agency", "country")]
    return ", ".join(part for part in parts if part)


def _yes_no(value: Any) -> str:
    if value is None:
        return _("not checked")
    return _("intact") if value else _("BROKEN")


def _table(rows: list[list[Any]], widths: list[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
    table.setStyle(TableStyle(commands))
    return table


def _key_value_table(pairs: Iterable[tuple[str, Any]]) -> Table:
    rows = [[_p(label, "head"), _p(value)] for label, value in pairs]
    return _table(rows, [PAGE_WIDTH * 0.25, PAGE_WIDTH * 0.75], header=False)


# -- the document ----------------------------------------------------------------------------


def dossier_pdf(manifest: Mapping[str, Any]) -> bytes:
    """The PDF of a dossier manifest (signed or not; `documents` is not shown)."""
    styles = _styles()
    context = manifest.get("context") or {}
    story: list[Any] = [
        Paragraph(escape(_("Court dossier: chain of custody of evidence")), styles["title"]),
        _key_value_table(
            [
                (_("Issued by"), manifest["ncb_code"]),
                (_("Case"), context.get("case")),
                (_("Purpose of the export"), context.get("purpose")),
                (_("Exported by"), context.get("exported_by")),
                (_("Created at (UTC)"), manifest["created_at"]),
                (_("Dossier id"), context.get("dossier")),
                (_("Evidence items"), len(manifest["items"])),
            ]
        ),
    ]
    story += _how_to_verify(manifest)
    story += _checkpoint_section(manifest)
    for item in manifest["items"]:
        story += _item_section(item, manifest["checkpoint"])
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("Court dossier: chain of custody of evidence"),
        author=manifest["ncb_code"],
        subject=str(context.get("case") or ""),
        creator="NCB-THB",
    )
    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def _footer(canvas, document) -> None:
    canvas.saveState()
    canvas.setFont(_fonts()[0], 7)
    canvas.drawString(
        MARGIN,
        MARGIN / 2,
        _(
            "Court dossier of %(ncb)s, page %(page)s. The manifest.json beside this PDF is the "
            "signed record; this PDF shows it for people."
        )
        % {"ncb": document.author, "page": document.page},
    )
    canvas.restoreState()


def _how_to_verify(manifest: Mapping[str, Any]) -> list[Any]:
    styles = _styles()
    steps = [
        _(
            "This ZIP holds manifest.json (the signed, machine-readable record), this PDF, the "
            "evidence files whose content was exported (files/<SHA-256>) and an offline "
            "verifier (verifier/)."
        ),
        _(
            "With Python 3.10 or later and the cryptography package, and no network, unzip "
            "the dossier and run the two commands below (give the ZIP's own name). The "
            "verifier prints OK and exits with status 0 when everything below holds; "
            "otherwise it names each failed check."
        ),
        _(
            "It checks that each custody event hashes (SHA-256 of its canonical JSON, RFC 8785) "
            "to the hash shown, that each event names the previous event's hash, that each "
            "event is in the signed checkpoint's Merkle tree (RFC 6962 inclusion proof), the "
            "Ed25519 signatures of the checkpoint and of the manifest, and the SHA-256 of every "
            "file."
        ),
        _(
            "Compare the key id below with the one the National Central Bureau publishes, or "
            "pass its public key: --trusted-key <key>."
        ),
    ]
    story: list[Any] = [Paragraph(escape(_("How to verify this dossier")), styles["h2"])]
    for number, step in enumerate(steps):
        story.append(Paragraph(escape(step), styles["body"]))
        if number == 1:
            story.append(Paragraph("cd verifier", styles["hash"]))
            story.append(Paragraph("python -m evidence.verify ../dossier.zip", styles["hash"]))
    return story


def _checkpoint_section(manifest: Mapping[str, Any]) -> list[Any]:
    styles = _styles()
    checkpoint = manifest["checkpoint"]
    story: list[Any] = [
        Paragraph(escape(_("Signed checkpoint of the custody log")), styles["h2"]),
        Paragraph(
            escape(
                _(
                    "On %(time)s the custody log of %(ncb)s held %(size)s events; their Merkle "
                    "root was signed with the key below. Every event of this dossier that has "
                    "a log position was in that log, unchanged."
                )
                % {
                    "time": checkpoint.get("timestamp"),
                    "ncb": checkpoint.get("ncb_code"),
                    "size": checkpoint.get("tree_size"),
                }
            ),
            styles["body"],
        ),
        _hash_line("size", str(checkpoint.get("tree_size"))),
        _hash_line("time", str(checkpoint.get("timestamp"))),
        _hash_line("root", str(checkpoint.get("root_hash"))),
        _hash_line("kid", str(checkpoint.get("kid"))),
        _hash_line("sig", str(checkpoint.get("signature"))),
        Paragraph(escape(_("Public keys of the signer (Ed25519)")), styles["h3"]),
    ]
    for key in manifest["keys"]:
        story.append(_hash_line("kid", key["kid"]))
        story.append(_hash_line("key", key["public_key"]))
    return story


def _item_section(item: Mapping[str, Any], checkpoint: Mapping[str, Any]) -> list[Any]:
    styles = _styles()
    description = item.get("description") or {}
    events = item["events"]
    contents = [json.loads(event["canonical"]) for event in events]
    failures = sum(1 for content in contents if content.get("action") == "INTEGRITY_FAILURE")
    title = _("Evidence item %(number)s") % {
        "number": description.get("item_number") or item["item"]
    }
    story: list[Any] = [
        Paragraph(escape(title), styles["h2"]),
        _key_value_table(
            [
                (_("Item id"), item["item"]),
                (_("Case"), description.get("case")),
                (_("Kind"), _label(EvidenceKind, description.get("kind"))),
                (_("Description"), description.get("description")),
                (_("Collected at (UTC)"), description.get("collected_at")),
                (_("Collected by"), description.get("collected_by")),
                (_("Collected where"), description.get("collected_place")),
                (_("Legal authority"), description.get("legal_authority")),
                (_("Seal number"), description.get("seal_number")),
                (_("Storage location"), description.get("storage_location")),
                (_("Current custodian"), _custodian(description.get("custodian"))),
                (_("State"), _label(EvidenceState, description.get("state"))),
                (
                    _("Integrity"),
                    _("%(count)s integrity failure(s) recorded") % {"count": failures}
                    if failures or description.get("integrity_failed")
                    else _("no integrity failure recorded"),
                ),
                (_("Custody events"), len(events)),
            ]
        ),
    ]
    story += _files_section(item)
    story += _custody_table(contents)
    story += _hashes_section(events, checkpoint)
    return story


def _files_section(item: Mapping[str, Any]) -> list[Any]:
    styles = _styles()
    story: list[Any] = [Paragraph(escape(_("Files")), styles["h3"])]
    if not item["files"]:
        story.append(Paragraph(escape(_("No file is attached to this item.")), styles["body"]))
        return story
    for entry in item["files"]:
        included = (
            _("content in this ZIP as %(path)s") % {"path": entry["path"]}
            if entry["path"]
            else _("listed only: content not exported")
        )
        story.append(
            KeepTogether(
                [
                    Paragraph(
                        escape(
                            f"{entry.get('name') or DASH} · {entry['media_type']} · "
                            + _("%(size)s bytes") % {"size": entry["size"]}
                            + f" · {included}"
                        ),
                        styles["body"],
                    ),
                    _hash_line("sha256", entry["sha256"]),
                ]
            )
        )
    return story


CUSTODY_WIDTHS = [0.04, 0.12, 0.11, 0.15, 0.15, 0.22, 0.12, 0.09]


def _custody_table(contents: list[Mapping[str, Any]]) -> list[Any]:
    styles = _styles()
    header = [
        _p("#", "head"),
        _p(_("Time (UTC)"), "head"),
        _p(_("Action"), "head"),
        _p(_("From"), "head"),
        _p(_("To"), "head"),
        _p(_("Place, purpose, legal authority, notes"), "head"),
        _p(_("Seal"), "head"),
        _p(_("Recorded by"), "head"),
    ]
    rows = [header]
    for content in contents:
        failure = content.get("action") == CustodyAction.INTEGRITY_FAILURE
        details = [
            content.get("place"),
            content.get("purpose"),
            content.get("legal_authority"),
            content.get("notes"),
        ]
        for check in content.get("file_hashes_rechecked") or []:
            if isinstance(check, Mapping) and check.get("matches") is False:
                details.append(_("file %(sha)s… does not match") % {"sha": check["sha256"][:12]})
        seal = content.get("seal_number") or ""
        if content.get("seal_intact") is not None:
            seal = f"{seal} ({_yes_no(content['seal_intact'])})".strip()
        rows.append(
            [
                _p(content.get("sequence")),
                # A space where the T is: the cell wraps between date and time.
                _p(str(content.get("time") or "").replace("T", " ")),
                _p(
                    _label(CustodyAction, content.get("action")), "cell_red" if failure else "cell"
                ),
                _p(_custodian(content.get("from_custodian"))),
                _p(_custodian(content.get("to_custodian"))),
                _p(" · ".join(str(part) for part in details if part)),
                _p(seal, "cell_red" if content.get("seal_intact") is False else "cell"),
                _p(content.get("recorded_by")),
            ]
        )
    return [
        Paragraph(escape(_("Chain of custody")), styles["h3"]),
        _table(rows, [PAGE_WIDTH * share for share in CUSTODY_WIDTHS]),
    ]


def _hashes_section(events: list[Mapping[str, Any]], checkpoint: Mapping[str, Any]) -> list[Any]:
    styles = _styles()
    story: list[Any] = [
        Paragraph(escape(_("Hashes of the custody events")), styles["h3"]),
        Paragraph(
            escape(
                _(
                    "Each event's hash is the SHA-256 of its canonical JSON in manifest.json; "
                    "prev is the hash of the event before it (zeros for the first). The log "
                    "position is the event's leaf in checkpoint %(size)s."
                )
                % {"size": checkpoint.get("tree_size")}
            ),
            styles["body"],
        ),
    ]
    for event in events:
        time = json.loads(event["canonical"]).get("time", "")
        position = (
            _("log position %(index)s") % {"index": event["leaf_index"]}
            if event["leaf_index"] is not None
            else _("after the checkpoint: no inclusion proof")
        )
        story.append(
            KeepTogether(
                [
                    Paragraph(
                        escape(_("event %(sequence)s") % {"sequence": event["sequence"]})
                        + f" · {escape(str(time))} · {escape(position)}",
                        styles["hash_head"],
                    ),
                    _hash_line("prev", event["prev_hash"]),
                    _hash_line("hash", event["hash"]),
                ]
            )
        )
    story.append(Spacer(1, 4 * mm))
    return story
