"""Bearer token auth.

Prod goes through the OAuth gateway which injects X-Ledgerly-User; in dev/staging
we use the static personal tokens from store.TOKENS.
"""
from functools import wraps

from flask import g, jsonify, request

from . import store


def _token_from_request():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def load_user():
    token = _token_from_request()
    user_id = store.TOKENS.get(token) if token else None
    if not user_id:
        return False
    g.user_id = user_id
    g.user = store.USERS[user_id]
    return True


def require_auth_v2():
    """before_request hook for the v2 blueprints."""
    if request.method == "OPTIONS":
        return None
    if not load_user():
        resp = jsonify(error={"code": "unauthorized", "message": "Missing or invalid bearer token"})
        resp.status_code = 401
        resp.headers["WWW-Authenticate"] = 'Bearer realm="ledgerly"'
        return resp
    return None


def require_auth_v1():
    if not load_user():
        resp = jsonify(detail="Authentication credentials were not provided.")
        resp.status_code = 401
        resp.headers["WWW-Authenticate"] = "Bearer"
        return resp
    return None


def current_user_id():
    return g.user_id
