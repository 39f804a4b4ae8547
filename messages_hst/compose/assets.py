"""A case's assets in a composed HST message (HST.md §4): `financial[]`, and for a REQUEST a
`SEIZE_ASSETS` request about the assets that can still be frozen or seized.

Read through `ncb_cases.selectors.assets` with the composing user's rights. Only coded facts
and what the partner needs to act go out: kind, description, institution, account number,
country, amount as text with its ISO 4217 currency, the holder's ref when the holder is a
person in the message, and the Silver-notice flag.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from messages_hst.choices import MessageType
from messages_hst.compose.envelope import _clean
from ncb_cases.choices import AssetStatus, AssetType
from ncb_cases.models import Case
from ncb_cases.models.assets import Asset
from ncb_cases.selectors.assets import asset_list_for_case

# `AssetType` → HST `financial[].kind`: HST names the two asset kinds that are also entities
# of their own elsewhere in the body (vehicles) or generic.
FINANCIAL_KIND = {
    AssetType.BANK_ACCOUNT: "BANK_ACCOUNT",
    AssetType.MONEY_TRANSFER: "MONEY_TRANSFER",
    AssetType.CASH: "CASH",
    AssetType.CRYPTO_ASSET: "CRYPTO_ASSET",
    AssetType.REAL_ESTATE: "REAL_ESTATE",
    AssetType.VEHICLE: "VEHICLE_ASSET",
    AssetType.OTHER: "OTHER_ASSET",
}
# Assets a partner can still be asked to freeze or seize: not yet seized, nor disposed of.
SEIZABLE = (AssetStatus.TRACED, AssetStatus.FROZEN)


def add_assets(
    body: dict[str, Any], *, user, case: Case, refs, message_type: str, due: str | None
) -> None:
    """Put the case's assets into `body` as `financial[]` (refs F1, F2 …), and for a
    REQUEST append a SEIZE_ASSETS request on those still traced or frozen. `refs` is the
    draft's ref table (persons already in it). One query for the assets."""
    # The history is not sent: no need to read it.
    assets = list(asset_list_for_case(user=user, case=case).prefetch_related(None))
    if not assets:
        return
    body["financial"] = [financial_block(asset, refs) for asset in assets]
    if message_type == MessageType.REQUEST:
        request = seize_request(case, assets, refs, due, existing=body.get("requests", []))
        if request is not None:
            body.setdefault("requests", []).append(request)


def financial_block(asset: Asset, refs) -> dict[str, Any]:
    """One asset as an HST `financial` item."""
    amount = None
    if asset.estimated_value is not None:
        amount = f"{asset.estimated_value:.2f}"
    holder_ref = refs.find("P", asset.holder_id) if asset.holder_id else None
    return _clean(
        {
            "ref": refs.get("F", asset.pk),
            "kind": FINANCIAL_KIND[asset.asset_type],
            "description": asset.description.strip()[:500],
            "holder_ref": holder_ref,
            "institution": asset.institution.strip()[:200],
            "account_identifier": asset.account_identifier.strip()[:64],
            "country": asset.country.iso2 if asset.country_id else None,
            "amount": amount,
            "currency": asset.currency if amount is not None else None,
            "silver_notice_candidate": asset.silver_notice_candidate or None,
        }
    )


def seize_request(
    case: Case, assets: list[Asset], refs, due: str | None, *, existing: list[dict]
) -> dict[str, Any] | None:
    """A SEIZE_ASSETS request on the assets still traced or frozen, or None if there is none.
    Its ref follows the requests already in the draft (R2 after R1)."""
    targets = [refs.get("F", asset.pk) for asset in assets if asset.status in SEIZABLE]
    if not targets:
        return None
    return _clean(
        {
            "ref": f"R{len(existing) + 1}",
            "action": "SEIZE_ASSETS",
            "target_refs": targets,
            "justification": _(
                "Assets derived from the offence in our case %(reference)s: please freeze or "
                "seize them under your law and tell us of the measures taken."
            )
            % {"reference": case.reference},
            "deadline": due,
        }
    )
