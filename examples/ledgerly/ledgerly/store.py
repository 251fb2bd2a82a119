"""In-memory data store.

TODO(infra-212): move to Postgres. Until then everything lives in these dicts and
is reset on every restart. Seed data mirrors the staging fixtures so QA can use
the same ids.
"""
import json
import secrets
import string
import threading
import uuid

_lock = threading.Lock()

ALICE = "5b1e7c9a-3d42-4f8e-9a61-0c2d8e4f7a13"
BOB = "9e3f0a27-6c18-4b5d-8e92-71a4c3d5f608"
CAROL = "c4d82b61-0f97-4e3a-b5c8-2a6e9d1f4b70"

USERS = {
    ALICE: {
        "id": ALICE,
        "email": "alice@acmecorp.example",
        "display_name": "Alice Martin",
        "job_title": "Head of Product",
        "phone": "+1-415-555-0142",
        "timezone": "America/Los_Angeles",
        "avatar_url": "https://cdn.ledgerly.example/avatars/5b1e7c9a.png",
        "billing_address": "500 Market St, Suite 1200, San Francisco, CA 94105",
        "created_at": "2023-02-11T09:14:22Z",
    },
    BOB: {
        "id": BOB,
        "email": "bob@brightlabs.example",
        "display_name": "Bob Chen",
        "job_title": "Engineering Manager",
        "phone": "+1-646-555-0199",
        "timezone": "America/New_York",
        "avatar_url": "https://cdn.ledgerly.example/avatars/9e3f0a27.png",
        "billing_address": "88 Orchard St, New York, NY 10002",
        "created_at": "2023-05-03T16:40:09Z",
    },
    CAROL: {
        "id": CAROL,
        "email": "carol@northwind.example",
        "display_name": "Carol Diaz",
        "job_title": "Independent Consultant",
        "phone": "+44 20 7946 0321",
        "timezone": "Europe/London",
        "avatar_url": "https://cdn.ledgerly.example/avatars/c4d82b61.png",
        "billing_address": "14 Wharf Rd, London N1 7GR, UK",
        "created_at": "2023-09-19T08:02:51Z",
    },
}

# static dev tokens (prod uses OAuth, see auth.py)
TOKENS = {
    "tok_alice_7Hq2mX9vLp4RkT8w": ALICE,
    "tok_bob_Zr5nK1cY8uJ3sD6e": BOB,
    "tok_carol_Qm4wE7tB2xN9gH5a": CAROL,
}

PREFERENCES = {
    ALICE: {"theme": "dark", "locale": "en-US", "weekly_digest": True, "notify_on_mention": True},
    BOB: {"theme": "light", "locale": "en-US", "weekly_digest": False, "notify_on_mention": True},
    CAROL: {"theme": "system", "locale": "en-GB", "weekly_digest": True, "notify_on_mention": False},
}

WORKSPACES = {
    "acme": {"id": 1, "slug": "acme", "name": "Acme Corp", "plan": "business",
             "owner_id": ALICE, "billing_email": "finance@acmecorp.example",
             "created_at": "2023-02-11T09:20:00Z"},
    "brightlabs": {"id": 2, "slug": "brightlabs", "name": "BrightLabs", "plan": "team",
                   "owner_id": BOB, "billing_email": "ap@brightlabs.example",
                   "created_at": "2023-05-03T16:45:12Z"},
    "northwind": {"id": 3, "slug": "northwind", "name": "Northwind Consulting", "plan": "starter",
                  "owner_id": CAROL, "billing_email": "carol@northwind.example",
                  "created_at": "2023-09-19T08:10:44Z"},
    "launch-2024": {"id": 4, "slug": "launch-2024", "name": "Launch 2024 (Acme x BrightLabs)",
                    "plan": "business", "owner_id": ALICE,
                    "billing_email": "finance@acmecorp.example",
                    "created_at": "2024-01-08T12:00:00Z"},
}

# (workspace slug, user id) -> role
MEMBERSHIPS = {
    ("acme", ALICE): {"role": "owner", "joined_at": "2023-02-11T09:20:00Z"},
    ("brightlabs", BOB): {"role": "owner", "joined_at": "2023-05-03T16:45:12Z"},
    ("northwind", CAROL): {"role": "owner", "joined_at": "2023-09-19T08:10:44Z"},
    ("launch-2024", ALICE): {"role": "owner", "joined_at": "2024-01-08T12:00:00Z"},
    ("launch-2024", BOB): {"role": "member", "joined_at": "2024-01-09T10:31:07Z"},
}

PROJECTS = {
    12: {"id": 12, "workspace": "acme", "name": "Website Redesign", "status": "active",
         "owner_id": ALICE, "created_at": "2024-02-01T10:00:00Z"},
    13: {"id": 13, "workspace": "acme", "name": "Q3 Budget Planning", "status": "active",
         "owner_id": ALICE, "created_at": "2024-03-15T14:22:10Z"},
    27: {"id": 27, "workspace": "brightlabs", "name": "Mobile App v2", "status": "active",
         "owner_id": BOB, "created_at": "2024-02-20T09:12:45Z"},
    31: {"id": 31, "workspace": "northwind", "name": "Client Onboarding - Contoso",
         "status": "active", "owner_id": CAROL, "created_at": "2024-04-02T11:03:00Z"},
    40: {"id": 40, "workspace": "launch-2024", "name": "Launch Event", "status": "planning",
         "owner_id": ALICE, "created_at": "2024-01-10T15:30:00Z"},
}

BUDGETS = {
    12: {"allocated_cents": 4500000, "spent_cents": 1873250, "currency": "USD",
         "line_items": [{"label": "Agency retainer (Studio Kite)", "amount_cents": 1500000},
                        {"label": "Stock photography", "amount_cents": 73250},
                        {"label": "Contractor: CMS migration", "amount_cents": 300000}]},
    13: {"allocated_cents": 12000000, "spent_cents": 9120000, "currency": "USD",
         "line_items": [{"label": "Headcount - 2 FTE backfill", "amount_cents": 8400000},
                        {"label": "Offsite", "amount_cents": 720000}]},
    27: {"allocated_cents": 8000000, "spent_cents": 2210000, "currency": "USD",
         "line_items": [{"label": "App Store / Play fees", "amount_cents": 12500},
                        {"label": "Firebase", "amount_cents": 197500},
                        {"label": "Freelance iOS dev", "amount_cents": 2000000}]},
    31: {"allocated_cents": 1500000, "spent_cents": 410000, "currency": "GBP",
         "line_items": [{"label": "Travel", "amount_cents": 110000},
                        {"label": "Workshop facilitation", "amount_cents": 300000}]},
    40: {"allocated_cents": 6000000, "spent_cents": 2500000, "currency": "USD",
         "line_items": [{"label": "Venue deposit", "amount_cents": 2500000}]},
}

TASKS = {
    "7c0e5a1d-2b3f-4e8a-9d16-5f4c3b2a1e90": {
        "project_id": 12, "title": "Homepage hero copy", "status": "in_progress",
        "assignee_id": ALICE, "due_date": "2024-06-14",
        "description": "Final copy from Studio Kite. Do not share before launch.",
        "created_at": "2024-02-02T09:00:00Z"},
    "a2f4d6e8-1b3c-4d5e-8f70-9a1b2c3d4e5f": {
        "project_id": 12, "title": "Migrate CMS to headless", "status": "todo",
        "assignee_id": ALICE, "due_date": "2024-07-01",
        "description": "Contractor quote: $3,000 fixed. Credentials in 1Password vault 'web'.",
        "created_at": "2024-02-05T13:41:00Z"},
    "e5d4c3b2-a190-4f8e-b7d6-c5b4a3928170": {
        "project_id": 13, "title": "Reconcile vendor invoices", "status": "todo",
        "assignee_id": ALICE, "due_date": "2024-09-30",
        "description": "Three invoices from Initech are disputed (INV-2231..2233).",
        "created_at": "2024-03-16T08:15:00Z"},
    "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b": {
        "project_id": 27, "title": "Push notification opt-in flow", "status": "in_review",
        "assignee_id": BOB, "due_date": "2024-05-20",
        "description": "A/B test variants B and C. FCM server key rotated 2024-04-30.",
        "created_at": "2024-02-21T10:10:10Z"},
    "d9c8b7a6-9584-4736-a251-403f2e1d0c9b": {
        "project_id": 31, "title": "Kickoff call with Contoso", "status": "done",
        "assignee_id": CAROL, "due_date": "2024-04-10",
        "description": "Contoso budget ceiling is GBP 40k - keep confidential.",
        "created_at": "2024-04-02T11:05:00Z"},
    "4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d": {
        "project_id": 40, "title": "Book venue", "status": "in_progress",
        "assignee_id": BOB, "due_date": "2024-03-01",
        "description": "Shortlist: Pier 27, The Midway. Deposit due on signature.",
        "created_at": "2024-01-10T15:45:00Z"},
}

COMMENTS = {
    501: {"task_id": "7c0e5a1d-2b3f-4e8a-9d16-5f4c3b2a1e90", "author_id": ALICE,
          "body": "Legal signed off on the new tagline.", "created_at": "2024-02-03T17:02:11Z"},
    502: {"task_id": "a2f4d6e8-1b3c-4d5e-8f70-9a1b2c3d4e5f", "author_id": ALICE,
          "body": "Staging CMS password is in the vault, rotate after migration.",
          "created_at": "2024-02-06T09:30:00Z"},
    610: {"task_id": "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b", "author_id": BOB,
          "body": "Variant C wins by 4.2pp, shipping Monday.", "created_at": "2024-03-01T12:00:00Z"},
    733: {"task_id": "d9c8b7a6-9584-4736-a251-403f2e1d0c9b", "author_id": CAROL,
          "body": "Contoso wants the SOW by Friday.", "created_at": "2024-04-03T10:20:00Z"},
    801: {"task_id": "4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d", "author_id": BOB,
          "body": "Pier 27 confirmed, invoice attached to the expense.",
          "created_at": "2024-01-20T16:45:00Z"},
}

EXPENSES = {
    "exp_8fK2mQ7xR4tL9wZa": {"workspace": "acme", "submitted_by": ALICE,
                             "title": "Figma organization plan (annual)", "merchant": "Figma Inc.",
                             "amount_cents": 54000, "currency": "USD", "status": "approved",
                             "notes": "Card ending 4242", "created_at": "2024-02-14T11:00:00Z"},
    "exp_3Hd9Lp2Vn6Ck1Yq0": {"workspace": "acme", "submitted_by": ALICE,
                             "title": "Client dinner - Globex", "merchant": "Nopa SF",
                             "amount_cents": 38760, "currency": "USD", "status": "submitted",
                             "notes": "Attendees: A. Martin, H. Scorpio (Globex)",
                             "created_at": "2024-03-02T22:15:00Z"},
    "exp_Tb6Wn1Rz8Jx4Me2s": {"workspace": "brightlabs", "submitted_by": BOB,
                             "title": "AWS credits overage", "merchant": "Amazon Web Services",
                             "amount_cents": 129912, "currency": "USD", "status": "submitted",
                             "notes": "Account 4417-8829-1023", "created_at": "2024-03-05T08:00:00Z"},
    "exp_Gu5Ys3Ka7Pc0Vd9f": {"workspace": "launch-2024", "submitted_by": BOB,
                             "title": "Venue deposit - Pier 27", "merchant": "Pier 27 Events LLC",
                             "amount_cents": 2500000, "currency": "USD", "status": "submitted",
                             "notes": "Needs approval from Alice (workspace owner)",
                             "created_at": "2024-01-21T09:12:00Z"},
    "exp_Nc2Xq8Lh5Bm1Fr7k": {"workspace": "northwind", "submitted_by": CAROL,
                             "title": "Train London-Manchester", "merchant": "Avanti West Coast",
                             "amount_cents": 18450, "currency": "GBP", "status": "reimbursed",
                             "notes": "Contoso onsite", "created_at": "2024-04-08T07:05:00Z"},
}

ATTACHMENTS = {
    9001: {"expense_id": "exp_8fK2mQ7xR4tL9wZa", "filename": "figma-invoice-2024.pdf",
           "content_type": "application/pdf", "size_bytes": 84211, "uploaded_by": ALICE,
           "created_at": "2024-02-14T11:01:12Z"},
    9002: {"expense_id": "exp_3Hd9Lp2Vn6Ck1Yq0", "filename": "nopa-receipt.jpg",
           "content_type": "image/jpeg", "size_bytes": 1203344, "uploaded_by": ALICE,
           "created_at": "2024-03-02T22:16:40Z"},
    9003: {"expense_id": "exp_Tb6Wn1Rz8Jx4Me2s", "filename": "aws-invoice-march.pdf",
           "content_type": "application/pdf", "size_bytes": 210455, "uploaded_by": BOB,
           "created_at": "2024-03-05T08:02:00Z"},
    9004: {"expense_id": "exp_Gu5Ys3Ka7Pc0Vd9f", "filename": "pier27-deposit-invoice.pdf",
           "content_type": "application/pdf", "size_bytes": 97310, "uploaded_by": BOB,
           "created_at": "2024-01-21T09:13:30Z"},
    9005: {"expense_id": "exp_Nc2Xq8Lh5Bm1Fr7k", "filename": "avanti-eticket.pdf",
           "content_type": "application/pdf", "size_bytes": 45002, "uploaded_by": CAROL,
           "created_at": "2024-04-08T07:06:10Z"},
}

API_KEYS = {
    "key_01HV3K8Q2M9ZC4T7RX5B1N6WAE": {"user_id": ALICE, "name": "Zapier sync", "prefix": "lk_live_a71c",
                                      "last4": "Q9xe", "scopes": ["expenses:read", "expenses:write"],
                                      "last_used_ip": "203.0.113.24", "created_at": "2024-02-20T10:00:00Z"},
    "key_01HV3KC0W6S2YB8D4FQ9M3JT7P": {"user_id": ALICE, "name": "CI reporting", "prefix": "lk_live_0e52",
                                      "last4": "m2Lk", "scopes": ["projects:read"],
                                      "last_used_ip": "198.51.100.7", "created_at": "2024-03-11T15:45:00Z"},
    "key_01HW7PZ4A8N1XK3E6R0DVB5QCM": {"user_id": BOB, "name": "Grafana dashboard", "prefix": "lk_live_9bd3",
                                      "last4": "t7Rw", "scopes": ["projects:read", "tasks:read"],
                                      "last_used_ip": "203.0.113.190", "created_at": "2024-03-01T09:00:00Z"},
    "key_01HXA2F5J9D7M4C1VB8KQ6TW3E": {"user_id": CAROL, "name": "Xero export", "prefix": "lk_live_44fa",
                                      "last4": "Hh0p", "scopes": ["expenses:read"],
                                      "last_used_ip": "198.51.100.88", "created_at": "2024-04-12T18:30:00Z"},
}

AUDIT_LOG = {
    "acme": [
        {"id": 10021, "actor_id": ALICE, "actor_email": "alice@acmecorp.example", "action": "workspace.billing_updated",
         "target": "workspace:acme", "ip": "203.0.113.24", "created_at": "2024-02-12T08:00:00Z"},
        {"id": 10034, "actor_id": ALICE, "actor_email": "alice@acmecorp.example", "action": "api_key.created",
         "target": "key_01HV3K8Q2M9ZC4T7RX5B1N6WAE", "ip": "203.0.113.24", "created_at": "2024-02-20T10:00:00Z"},
        {"id": 10102, "actor_id": ALICE, "actor_email": "alice@acmecorp.example", "action": "expense.approved",
         "target": "exp_8fK2mQ7xR4tL9wZa", "ip": "198.51.100.7", "created_at": "2024-02-15T09:10:00Z"},
    ],
    "brightlabs": [
        {"id": 20007, "actor_id": BOB, "actor_email": "bob@brightlabs.example", "action": "member.removed",
         "target": "user:former-contractor@brightlabs.example", "ip": "203.0.113.190",
         "created_at": "2024-03-02T18:22:00Z"},
        {"id": 20011, "actor_id": BOB, "actor_email": "bob@brightlabs.example", "action": "api_key.created",
         "target": "key_01HW7PZ4A8N1XK3E6R0DVB5QCM", "ip": "203.0.113.190", "created_at": "2024-03-01T09:00:00Z"},
    ],
    "northwind": [
        {"id": 30002, "actor_id": CAROL, "actor_email": "carol@northwind.example", "action": "workspace.plan_changed",
         "target": "plan:starter", "ip": "198.51.100.88", "created_at": "2023-09-19T08:12:00Z"},
    ],
    "launch-2024": [
        {"id": 40001, "actor_id": ALICE, "actor_email": "alice@acmecorp.example", "action": "member.invited",
         "target": "user:bob@brightlabs.example", "ip": "203.0.113.24", "created_at": "2024-01-09T10:30:00Z"},
        {"id": 40005, "actor_id": ALICE, "actor_email": "alice@acmecorp.example", "action": "budget.updated",
         "target": "project:40", "ip": "203.0.113.24", "created_at": "2024-01-12T14:00:00Z"},
    ],
}

# public template catalogue -- shown on the marketing site too
TEMPLATES = {
    "tpl_sprint_planning": {"name": "Sprint planning", "category": "engineering", "created_by": BOB,
                            "tasks": ["Groom backlog", "Estimate", "Commit sprint goal"]},
    "tpl_event_launch": {"name": "Event launch checklist", "category": "marketing", "created_by": ALICE,
                         "tasks": ["Book venue", "Send invites", "Catering", "Post-event survey"]},
    "tpl_client_onboarding": {"name": "Client onboarding", "category": "services", "created_by": CAROL,
                              "tasks": ["Kickoff call", "SOW", "Access provisioning"]},
}

_next_project_id = 41
_next_comment_id = 900


# ---------------------------------------------------------------- helpers

def membership(slug, user_id):
    return MEMBERSHIPS.get((slug, user_id))


def is_member(slug, user_id):
    return (slug, user_id) in MEMBERSHIPS


def is_admin(slug, user_id):
    m = MEMBERSHIPS.get((slug, user_id))
    return bool(m and m["role"] in ("owner", "admin"))


def workspaces_for(user_id):
    return [WORKSPACES[s] for (s, u) in MEMBERSHIPS if u == user_id and s in WORKSPACES]


def find_workspace(slug, case_insensitive=False):
    if not case_insensitive:
        return WORKSPACES.get(slug)
    for key, ws in WORKSPACES.items():
        if key.lower() == (slug or "").lower():
            return ws
    return None


def project_acl_snapshot():
    """Project ACL as cached in Redis (JSON -> keys are strings)."""
    acl = {}
    for pid, p in PROJECTS.items():
        acl[pid] = sorted(u for (s, u) in MEMBERSHIPS if s == p["workspace"])
    return json.loads(json.dumps(acl))


def task_workspace(task):
    p = PROJECTS.get(task["project_id"])
    return p["workspace"] if p else None


def new_expense_id():
    alphabet = string.ascii_letters + string.digits
    return "exp_" + "".join(secrets.choice(alphabet) for _ in range(16))


def next_project_id():
    global _next_project_id
    with _lock:
        pid = _next_project_id
        _next_project_id += 1
    return pid


def next_comment_id():
    global _next_comment_id
    with _lock:
        cid = _next_comment_id
        _next_comment_id += 1
    return cid


def new_task_id():
    return str(uuid.uuid4())
