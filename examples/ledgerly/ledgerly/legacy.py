"""Legacy endpoints.

* /api/v1 -- the original API (contractor-built, 2022). Still used by the old
  CLI (`ledgerly-cli < 0.9`) and the Xero connector. Not in the public docs.
* mobile_compat -- iOS 3.x appends a trailing slash to some v2 URLs; these
  shims keep it working until the forced upgrade ships.
"""
from flask import Blueprint, g, jsonify

from . import serializers as ser
from . import store
from .api.expenses import get_expense_for_user
from .api.projects import comment_visible
from .auth import require_auth_v1, require_auth_v2
from .config import FIXED

v1 = Blueprint("api_v1", __name__, url_prefix="/api/v1")
v1.before_request(require_auth_v1)


@v1.get("/ping")
def ping():
    return jsonify(pong=True)


@v1.get("/me")
def v1_me():
    u = store.USERS[g.user_id]
    return jsonify(user={"id": u["id"], "email": u["email"], "name": u["display_name"]})


@v1.get("/users/<user_id>/api-keys")
def v1_user_api_keys(user_id):
    if FIXED and user_id != g.user_id:
        return jsonify(detail="You do not have permission to perform this action."), 403
    keys = [ser.api_key_v1(kid, k) for kid, k in store.API_KEYS.items() if k["user_id"] == user_id]
    return jsonify(count=len(keys), results=keys)


@v1.get("/expenses/<expense_id>")
def v1_expense(expense_id):
    e = get_expense_for_user(expense_id, g.user_id)
    if e is None:
        return jsonify(detail="Not found."), 404
    return jsonify(ser.expense(expense_id, e))


mobile_compat = Blueprint("mobile_compat", __name__, url_prefix="/api/v2")
mobile_compat.before_request(require_auth_v2)


@mobile_compat.route("/comments/<int:comment_id>/", methods=["GET"], strict_slashes=False)
def comment_compat(comment_id):
    if FIXED:
        c = comment_visible(comment_id, g.user_id)
    else:
        c = store.COMMENTS.get(comment_id)
    if c is None:
        return jsonify(data=None, error="not_found"), 404
    return jsonify(data=ser.comment(comment_id, c))
