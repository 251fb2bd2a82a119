from flask import Blueprint

from ..auth import require_auth_v2

bp = Blueprint("api_v2", __name__, url_prefix="/api/v2")
bp.before_request(require_auth_v2)

# route modules register themselves on bp
from . import users, workspaces, projects, expenses, catalogue  # noqa: E402,F401
