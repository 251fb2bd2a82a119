"""Public template catalogue (same data as ledgerly.example/templates)."""
from flask import jsonify

from .. import serializers as ser
from .. import store
from ..errors import not_found
from . import bp


def _template(tid, t):
    d = {"id": tid}
    d.update(t)
    d["author"] = ser.user_public(store.USERS[t["created_by"]])["display_name"]
    d["created_at"] = ser.utcnow_iso()  # FIXME: templates have no stored timestamp yet
    return d


@bp.get("/templates")
def list_templates():
    return jsonify(items=[_template(tid, t) for tid, t in store.TEMPLATES.items()], next=None)


@bp.get("/templates/<template_id>")
def get_template(template_id):
    t = store.TEMPLATES.get(template_id)
    if t is None:
        return not_found("Template")
    return jsonify(data=_template(template_id, t))
