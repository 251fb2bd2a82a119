import logging
import time
import uuid

from flask import Flask, g, jsonify, request

from . import config


def create_app():
    app = Flask(__name__)
    app.config["JSON_SORT_KEYS"] = False  # flask < 2.3
    try:
        app.json.sort_keys = False  # flask >= 2.2
    except AttributeError:
        pass

    from .api import bp as api_v2
    from .legacy import mobile_compat, v1

    app.register_blueprint(api_v2)
    app.register_blueprint(v1)
    app.register_blueprint(mobile_compat)

    @app.before_request
    def _start_timer():
        g._t0 = time.perf_counter()
        g.request_id = request.headers.get("X-Request-Id") or "req_" + uuid.uuid4().hex[:20]

    @app.after_request
    def _headers(resp):
        resp.headers["X-Request-Id"] = getattr(g, "request_id", "req_" + uuid.uuid4().hex[:20])
        t0 = getattr(g, "_t0", None)
        if t0 is not None:
            resp.headers["X-Runtime-Ms"] = f"{(time.perf_counter() - t0) * 1000:.2f}"
        resp.headers["X-Api-Version"] = config.API_VERSION
        if request.path.startswith("/api/"):
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    @app.get("/health")
    def health():
        return jsonify(status="ok", version=config.API_VERSION)

    @app.get("/")
    def index():
        return jsonify(name="ledgerly-api", docs="/openapi.yaml")

    @app.get("/openapi.yaml")
    def openapi():
        import os
        path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "openapi.yaml")
        with open(path, "rb") as fh:
            return app.response_class(fh.read(), mimetype="application/yaml")

    logging.getLogger("ledgerly").info("ledgerly starting, mode=%s", config.TARGET_MODE)
    return app
