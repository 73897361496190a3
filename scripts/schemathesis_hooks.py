"""Schemathesis hooks for scripts/schemathesis, loaded through SCHEMATHESIS_HOOKS.

- Every request gets a fresh Idempotency-Key, as the kiosk gives every new action one: a
  generated key is reused by later examples with other bodies, which hall-sim rightly
  answers 422 `key_reused`. A request sent on purpose without the header, or with one that
  is not a UUID, keeps what it has, so hall-sim's refusal of it is still tested. (A
  `map_headers` hook does not see the generated header; `before_call` does.)
- In schema-valid (positive) requests, a category (/tickets, /ticket-blocks) or item code
  (/submissions) that hall-sim's catalog lacks is replaced by one it has, picked by the
  generated value. Any string is schema-valid there, but the document has a backend refuse
  what its catalog does not know (422 `unknown_category`, `unknown_item`), and schemathesis
  would take that for valid data refused; this way its positive-data check stays on for
  these operations and they reach hall-sim's business logic. The same goes for the item
  of /slots and /appointments (404 `unknown_item` is allowed, but would be all they test).
- In positive /payments requests, `amount_fen` is made the sum of the items and a paycode
  order gets a paycode: the document has a backend refuse both (422 `amount_mismatch`,
  `paycode_required`), which a schema cannot say. Negative requests are left as generated.
"""

import json
import pathlib
import uuid
import zlib

import schemathesis

_CATALOG = json.loads(
    (pathlib.Path(__file__).resolve().parent.parent / "hall" / "data" / "catalog.json").read_text(
        encoding="utf-8"
    )
)
_KNOWN = {
    ("/tickets", "category"): [c["code"] for c in _CATALOG["categories"]],
    ("/ticket-blocks", "category"): [c["code"] for c in _CATALOG["categories"]],
    ("/submissions", "item_code"): [i["code"] for i in _CATALOG["items"] if i.get("self_service")],
    ("/appointments", "item_code"): [i["code"] for i in _CATALOG["items"]],
}
_ITEMS = [i["code"] for i in _CATALOG["items"]]


@schemathesis.hook
def before_call(ctx, case, kwargs):
    headers = case.headers
    if headers is not None and "Idempotency-Key" in headers:
        try:
            uuid.UUID(str(headers["Idempotency-Key"]))
        except ValueError:
            pass  # a negative case: hall-sim must refuse it
        else:
            headers["Idempotency-Key"] = str(uuid.uuid4())

    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    if case.operation.path == "/slots" and isinstance(case.query, dict):
        item = case.query.get("item")
        if isinstance(item, str) and item not in _ITEMS:
            case.query["item"] = _ITEMS[zlib.crc32(item.encode("utf-8")) % len(_ITEMS)]
    if not isinstance(case.body, dict):
        return
    if case.operation.path == "/payments" and isinstance(case.body.get("items"), list):
        amounts = [i.get("amount_fen") for i in case.body["items"] if isinstance(i, dict)]
        if all(isinstance(a, int) for a in amounts) and amounts:
            case.body["amount_fen"] = sum(amounts)
        if case.body.get("method") == "paycode" and "paycode" not in case.body:
            case.body["paycode"] = "134567890123456781"
    for (path, field), known in _KNOWN.items():
        value = case.body.get(field)
        if case.operation.path == path and isinstance(value, str) and value not in known:
            case.body[field] = known[zlib.crc32(value.encode("utf-8")) % len(known)]
