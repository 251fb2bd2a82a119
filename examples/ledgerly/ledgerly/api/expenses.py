from flask import g, jsonify, request

from .. import serializers as ser
from .. import store
from ..config import FIXED
from ..errors import api_error, forbidden, not_found
from . import bp


def can_view_expense(e, user_id):
    # submitter, or an owner/admin of the workspace (approvers)
    return e["submitted_by"] == user_id or store.is_admin(e["workspace"], user_id)


def get_expense_for_user(expense_id, user_id):
    e = store.EXPENSES.get(expense_id)
    if e is None or not can_view_expense(e, user_id):
        return None
    return e


@bp.get("/expenses")
def list_expenses():
    scope = request.args.get("scope", "mine")
    status = request.args.get("status")
    ws_filter = request.args.get("workspace")
    rows = []
    for eid, e in store.EXPENSES.items():
        if scope == "to_approve":
            if e["submitted_by"] == g.user_id or not store.is_admin(e["workspace"], g.user_id):
                continue
        elif e["submitted_by"] != g.user_id:
            continue
        if status and e["status"] != status:
            continue
        if ws_filter and e["workspace"] != ws_filter:
            continue
        rows.append(ser.expense(eid, e))
    rows.sort(key=lambda r: r["created_at"], reverse=True)
    return jsonify(data=rows, meta={"page": 1, "per_page": 25, "total": len(rows)})


@bp.post("/expenses")
def create_expense():
    body = request.get_json(silent=True) or {}
    ws = body.get("workspace")
    if not ws or not store.is_member(ws, g.user_id):
        return api_error(422, "validation_error", "workspace must be one of your workspaces", field="workspace")
    try:
        amount = int(body.get("amount_cents"))
    except (TypeError, ValueError):
        return api_error(422, "validation_error", "amount_cents must be an integer", field="amount_cents")
    eid = store.new_expense_id()
    e = {"workspace": ws, "submitted_by": g.user_id, "title": body.get("title") or "Untitled expense",
         "merchant": body.get("merchant"), "amount_cents": amount, "currency": body.get("currency", "USD"),
         "status": "draft", "notes": body.get("notes", ""), "created_at": ser.utcnow_iso()}
    store.EXPENSES[eid] = e
    return jsonify(data=ser.expense(eid, e)), 201


@bp.get("/expenses/<expense_id>")
def get_expense(expense_id):
    if FIXED:
        e = get_expense_for_user(expense_id, g.user_id)
    else:
        e = store.EXPENSES.get(expense_id)
    if e is None:
        return not_found("Expense")
    return jsonify(data=ser.expense(expense_id, e))


@bp.delete("/expenses/<expense_id>")
def delete_expense(expense_id):
    e = store.EXPENSES.get(expense_id)
    if e is None:
        return not_found("Expense")
    if FIXED and e["submitted_by"] != g.user_id:
        return forbidden("Only the submitter can delete an expense")
    if e["status"] in ("approved", "reimbursed"):
        return api_error(409, "conflict", f"Cannot delete an expense in status '{e['status']}'")
    del store.EXPENSES[expense_id]
    for aid in [a for a, att in store.ATTACHMENTS.items() if att["expense_id"] == expense_id]:
        del store.ATTACHMENTS[aid]
    return "", 204


@bp.get("/expenses/<expense_id>/attachments")
def list_attachments(expense_id):
    e = get_expense_for_user(expense_id, g.user_id)
    if e is None:
        return not_found("Expense")
    items = [ser.attachment(aid, a) for aid, a in sorted(store.ATTACHMENTS.items())
             if a["expense_id"] == expense_id]
    return jsonify(items=items, next=None)


@bp.get("/expenses/<expense_id>/attachments/<int:attachment_id>")
def get_attachment(expense_id, attachment_id):
    e = get_expense_for_user(expense_id, g.user_id)
    if e is None:
        return not_found("Expense")
    a = store.ATTACHMENTS.get(attachment_id)
    if a is None:
        return not_found("Attachment")
    if FIXED and a["expense_id"] != expense_id:
        return not_found("Attachment")
    return jsonify(ser.attachment(attachment_id, a))
