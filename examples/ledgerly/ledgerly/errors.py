from flask import jsonify


def api_error(status, code, message, **extra):
    """Standard v2 error envelope."""
    body = {"error": {"code": code, "message": message}}
    if extra:
        body["error"].update(extra)
    return jsonify(body), status


def not_found(what="Resource"):
    return api_error(404, "not_found", f"{what} not found")


def forbidden(message="You do not have access to this resource"):
    return api_error(403, "forbidden", message)
