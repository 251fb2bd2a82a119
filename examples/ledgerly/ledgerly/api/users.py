from flask import g, jsonify

from .. import serializers as ser
from .. import store
from ..errors import api_error, not_found
from . import bp


@bp.get("/me")
def me():
    u = ser.user_private(g.user)
    u["workspaces"] = [ws["slug"] for ws in store.workspaces_for(g.user_id)]
    return jsonify(data=u)


@bp.get("/me/api-keys")
def my_api_keys():
    keys = [ser.api_key(kid, k) for kid, k in store.API_KEYS.items() if k["user_id"] == g.user_id]
    return jsonify(items=keys, next=None)


@bp.delete("/me/api-keys/<key_id>")
def revoke_api_key(key_id):
    k = store.API_KEYS.get(key_id)
    if not k or k["user_id"] != g.user_id:
        return not_found("API key")
    del store.API_KEYS[key_id]
    return "", 204


@bp.get("/users/<uuid:user_id>")
def get_user(user_id):
    # public profile card (used by @mentions / assignee picker) -- no PII here
    u = store.USERS.get(str(user_id))
    if not u:
        return not_found("User")
    return jsonify(data=ser.user_public(u))


@bp.get("/users/<user_id>/preferences")
def get_preferences(user_id):
    # The web client always passes its own id; we just return the caller's prefs.
    prefs = dict(store.PREFERENCES.get(g.user_id, {}))
    prefs["user_id"] = g.user_id
    return jsonify(prefs)


@bp.get("/users/<uuid:user_id>/api-keys")
def list_user_api_keys(user_id):
    if str(user_id) != g.user_id:
        return api_error(403, "forbidden", "You can only list your own API keys")
    keys = [ser.api_key(kid, k) for kid, k in store.API_KEYS.items() if k["user_id"] == g.user_id]
    return jsonify(items=keys, next=None)
