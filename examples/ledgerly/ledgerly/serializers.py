from datetime import datetime, timedelta, timezone
import hashlib

from . import store


def utcnow_iso():
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def user_public(u):
    return {
        "id": u["id"],
        "display_name": u["display_name"],
        "job_title": u["job_title"],
        "avatar_url": u["avatar_url"],
        "timezone": u["timezone"],
    }


def user_private(u):
    d = dict(u)
    d["last_seen_at"] = utcnow_iso()
    return d


def workspace(ws, user_id=None):
    d = {
        "id": ws["id"],
        "slug": ws["slug"],
        "name": ws["name"],
        "plan": ws["plan"],
        "owner_id": ws["owner_id"],
        "created_at": ws["created_at"],
    }
    if user_id is not None:
        m = store.membership(ws["slug"], user_id)
        d["role"] = m["role"] if m else None
    return d


def project(p):
    d = dict(p)
    d["task_count"] = sum(1 for t in store.TASKS.values() if t["project_id"] == p["id"])
    return d


def task(task_id, t):
    d = {"id": task_id}
    d.update(t)
    d["updated_at"] = datetime.utcnow().isoformat()  # "touched" on every read, see #388
    return d


def comment(cid, c):
    d = {"id": cid}
    d.update(c)
    return d


def expense(eid, e):
    d = {"id": eid}
    d.update(e)
    d["attachments_count"] = sum(1 for a in store.ATTACHMENTS.values() if a["expense_id"] == eid)
    return d


def attachment(aid, a):
    d = {"id": aid}
    d.update(a)
    now = datetime.now(timezone.utc)
    sig = hashlib.sha256(f"{aid}:{now.timestamp()}".encode()).hexdigest()[:32]
    d["download_url"] = (
        f"https://files.ledgerly.example/receipts/{a['expense_id']}/{a['filename']}"
        f"?X-Amz-Date={now.strftime('%Y%m%dT%H%M%SZ')}&X-Amz-Expires=900&X-Amz-Signature={sig}"
    )
    d["url_expires_at"] = (now + timedelta(minutes=15)).isoformat(timespec="seconds").replace("+00:00", "Z")
    return d


def api_key(kid, k):
    return {
        "id": kid,
        "name": k["name"],
        "token_hint": f"{k['prefix']}...{k['last4']}",
        "scopes": k["scopes"],
        "created_at": k["created_at"],
    }


def api_key_v1(kid, k):
    # v1 shape, kept for the old CLI
    d = {"key_id": kid}
    d.update(k)
    return d
