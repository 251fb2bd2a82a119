import base64
from functools import wraps

from flask import abort, g, jsonify, request

from .. import serializers as ser
from .. import store
from ..config import FIXED
from ..errors import api_error, not_found
from . import bp


def _can_see_project(p, user_id):
    return p is not None and store.is_member(p["workspace"], user_id)


def _can_see_task(t, user_id):
    return t is not None and _can_see_project(store.PROJECTS.get(t["project_id"]), user_id)


def project_acl_required(view):
    """Finance routes check the project ACL from the Redis cache (cheaper than the
    membership join). Legacy finance UI expects 200 + success:false on denial."""
    @wraps(view)
    def wrapper(project_id, *args, **kwargs):
        acl = store.project_acl_snapshot()
        if FIXED:
            try:
                key = str(int(project_id))
            except ValueError:
                return jsonify(success=False, message="Project not found")
            allowed = acl.get(key)
            if allowed is None:
                return jsonify(success=False, message="Project not found")
        else:
            allowed = acl.get(project_id)
        # cache miss -> project doesn't exist, the view returns "not found"
        if allowed is not None and g.user_id not in allowed:
            return jsonify(success=False, message="You do not have access to this project")
        return view(project_id, *args, **kwargs)
    return wrapper


@bp.get("/projects/<int:project_id>")
def get_project(project_id):
    p = store.PROJECTS.get(project_id)
    if not _can_see_project(p, g.user_id):
        return not_found("Project")
    return jsonify(data=ser.project(p))


@bp.get("/projects/<int:project_id>/tasks")
def list_project_tasks(project_id):
    if FIXED:
        p = store.PROJECTS.get(project_id)
        if not _can_see_project(p, g.user_id):
            return not_found("Project")
    try:
        limit = max(1, min(int(request.args.get("limit", 20)), 100))
    except ValueError:
        return api_error(400, "bad_request", "limit must be an integer")
    try:
        offset = int(base64.urlsafe_b64decode(request.args.get("cursor", "") + "==").decode() or 0)
    except Exception:
        offset = 0
    status = request.args.get("status")
    rows = [ser.task(tid, t) for tid, t in store.TASKS.items()
            if t["project_id"] == project_id and (not status or t["status"] == status)]
    rows.sort(key=lambda t: t["created_at"])
    page = rows[offset:offset + limit]
    nxt = None
    if offset + limit < len(rows):
        nxt = base64.urlsafe_b64encode(str(offset + limit).encode()).decode().rstrip("=")
    return jsonify(items=page, next=nxt)


@bp.get("/projects/<project_id>/budget")
@project_acl_required
def project_budget(project_id):
    try:
        pid = int(project_id)
    except ValueError:
        return jsonify(success=False, message="Invalid project id")
    p = store.PROJECTS.get(pid)
    b = store.BUDGETS.get(pid)
    if p is None or b is None:
        return jsonify(success=False, message="Project not found")
    data = {"project_id": pid, "project_name": p["name"], **b,
            "remaining_cents": b["allocated_cents"] - b["spent_cents"],
            "as_of": ser.utcnow_iso()}
    return jsonify(success=True, data=data)


@bp.get("/tasks/<uuid:task_id>")
def get_task(task_id):
    tid = str(task_id)
    t = store.TASKS.get(tid)
    if not _can_see_task(t, g.user_id):
        abort(404)
    return jsonify(ser.task(tid, t))


@bp.get("/tasks/<uuid:task_id>/comments")
def list_task_comments(task_id):
    tid = str(task_id)
    t = store.TASKS.get(tid)
    if not _can_see_task(t, g.user_id):
        abort(404)
    items = [ser.comment(cid, c) for cid, c in sorted(store.COMMENTS.items()) if c["task_id"] == tid]
    return jsonify(items=items, next=None)


@bp.post("/tasks/<uuid:task_id>/comments")
def add_task_comment(task_id):
    tid = str(task_id)
    t = store.TASKS.get(tid)
    if not _can_see_task(t, g.user_id):
        abort(404)
    body = request.get_json(silent=True) or {}
    text = (body.get("body") or "").strip()
    if not text:
        return api_error(422, "validation_error", "body is required", field="body")
    cid = store.next_comment_id()
    c = {"task_id": tid, "author_id": g.user_id, "body": text, "created_at": ser.utcnow_iso()}
    store.COMMENTS[cid] = c
    return jsonify(ser.comment(cid, c)), 201


def comment_visible(cid, user_id):
    c = store.COMMENTS.get(cid)
    if c is None:
        return None
    if not _can_see_task(store.TASKS.get(c["task_id"]), user_id):
        return None
    return c


@bp.get("/comments/<int:comment_id>")
def get_comment(comment_id):
    c = comment_visible(comment_id, g.user_id)
    if c is None:
        abort(404)
    return jsonify(data=ser.comment(comment_id, c))
