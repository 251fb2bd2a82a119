import os
import sys

from ledgerly import create_app
from ledgerly.config import TARGET_MODE

app = create_app()

if __name__ == "__main__":
    port = int(os.environ.get("PORT") or (sys.argv[1] if len(sys.argv) > 1 else 5055))
    print(f"[ledgerly] mode={TARGET_MODE} listening on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
    app.run(host="127.0.0.1", port=port, debug=False, threaded=True, use_reloader=False)
