import os

# TARGET_MODE=fixed turns on the authorization fixes from the SEC-41 review.
# Default (unset / anything else) reproduces the current production behaviour.
TARGET_MODE = os.environ.get("TARGET_MODE", "vulnerable").strip().lower()
FIXED = TARGET_MODE == "fixed"

API_VERSION = "2.14.3"
