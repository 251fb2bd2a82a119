from functools import wraps

from flask import g, jsonify, request

from .. import serializers as ser
from .. import store
from ..config import FIXED
from ..errors import api_error, not_found
from . import bp


def workspace_member_required(view):
    @wraps(view)
    def wrapper(slug, *args, **kwargs):
        ws = store.WORKSPACES.get(slug)
        if ws is None or not store.is_member(slug, g.user_id):
            # same response for "doesn't exist" and "not yours"
            return jsonify(message="Workspace not found"), 404
        g.workspace = ws
        return view(slug, *args, **kwargs)
    return wrapper


def workspace_admin_required(view):
    @wraps(view)
    def wrapper(slug, *args, **kwargs):
        if FIXED:
            slug = (slug or "").lower()
            ws = store.WORKSPACES.get(slug)
            if ws is None:
                return not_found("Workspace")
        else:
            ws = store.WORKSPACES.get(slug)
        # unknown workspace: let the view decide what the 404 looks like
        if ws is not None and not store.is_admin(slug, g.user_id):
            return api_error(403, "forbidden", "Workspace admin role required")
        return view(slug, *args, **kwargs)
    return wrapper


@bp.get("/workspaces")
def list_workspaces():
    items = [ser.workspace(ws, g.user_id) for ws in store.workspaces_for(g.user_id)]
    return jsonify(data=items, meta={"total": len(items), "page": 1, "per_page": 50})


@bp.get("/workspaces/<slug>")
@workspace_member_required
def get_workspace(slug):
    d = ser.workspace(g.workspace, g.user_id)
    d["member_count"] = sum(1 for (s, _u) in store.MEMBERSHIPS if s == slug)
    if store.is_admin(slug, g.user_id):
        d["billing_email"] = g.workspace["billing_email"]
    return jsonify(data=d)


@bp.get("/workspaces/<slug>/members")
@workspace_member_required
def list_members(slug):
    out = []
    for (s, uid), m in store.MEMBERSHIPS.items():
        if s != slug:
            continue
        u = store.USERS[uid]
        out.append({"user_id": uid, "display_name": u["display_name"], "email": u["email"],
                    "role": m["role"], "joined_at": m["joined_at"]})
    return jsonify(out)


@bp.get("/workspaces/<slug>/projects")
@workspace_member_required
def list_projects(slug):
    items = [ser.project(p) for p in store.PROJECTS.values() if p["workspace"] == slug]
    items.sort(key=lambda p: p["id"])
    return jsonify(items=items, next=None)


@bp.post("/workspaces/<slug>/projects")
@workspace_member_required
def create_project(slug):
    body = request.get_json(silent=True) or {}
    name = (body.get("name") or "").strip()
    if not name:
        return api_error(422, "validation_error", "name is required", field="name")
    pid = store.next_project_id()
    p = {"id": pid, "workspace": slug, "name": name, "status": body.get("status", "planning"),
         "owner_id": g.user_id, "created_at": ser.utcnow_iso()}
    store.PROJECTS[pid] = p
    store.BUDGETS[pid] = {"allocated_cents": 0, "spent_cents": 0, "currency": "USD", "line_items": []}
    return jsonify(data=ser.project(p)), 201


@bp.get("/workspaces/<slug>/audit-log")
@workspace_admin_required
def audit_log(slug):
    # Weekly digest emails link to /workspaces/ACME/audit-log (the template upper-cases
    # the slug), so resolve case-insensitively here. See #1123.
    ws = store.find_workspace(slug, case_insensitive=True)
    if ws is None:
        return not_found("Workspace")
    try:
        limit = max(1, min(int(request.args.get("limit", 50)), 200))
    except ValueError:
        limit = 50
    entries = sorted(store.AUDIT_LOG.get(ws["slug"], []), key=lambda e: e["id"], reverse=True)[:limit]
    return jsonify(data=entries,
                   meta={"workspace": ws["slug"], "count": len(entries), "generated_at": ser.utcnow_iso()})


@bp.get("/workspaces/<slug>/tasks/<task_id>")
@workspace_member_required
def get_workspace_task(slug, task_id):
    # deep link used by the Slack unfurler: /workspaces/<slug>/tasks/<uuid>
    t = store.TASKS.get(task_id)
    if t is None:
        return not_found("Task")
    if FIXED and store.task_workspace(t) != slug:
        return not_found("Task")
    return jsonify(data=ser.task(task_id, t))
