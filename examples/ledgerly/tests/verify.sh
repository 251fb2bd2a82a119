#!/usr/bin/env bash
# Curl-based check of the planted authorization bugs.
#   ./tests/verify.sh VULN_PORT FIXED_PORT
# Expects two running instances: ./run.sh VULN_PORT vulnerable ; ./run.sh FIXED_PORT fixed
set -u
VP="${1:-5055}"; FP="${2:-5056}"
A="tok_alice_7Hq2mX9vLp4RkT8w"; B="tok_bob_Zr5nK1cY8uJ3sD6e"; C="tok_carol_Qm4wE7tB2xN9gH5a"
ALICE=5b1e7c9a-3d42-4f8e-9a61-0c2d8e4f7a13; BOB=9e3f0a27-6c18-4b5d-8e92-71a4c3d5f608
pass=0; fail=0

# check LABEL PORT TOKEN METHOD PATH EXPECTED_STATUS REGEX_IN_BODY(or -) [NEGATIVE_REGEX]
check() {
  local label="$1" port="$2" tok="$3" method="$4" path="$5" want="$6" re="$7" nre="${8:-}"
  local out status body
  out=$(curl -s -g -X "$method" -H "Authorization: Bearer $tok" -w $'\n%{http_code}' "http://127.0.0.1:$port$path")
  status="${out##*$'\n'}"; body="${out%$'\n'*}"
  local ok=1
  [ "$status" = "$want" ] || ok=0
  if [ "$re" != "-" ] && ! grep -Eq -- "$re" <<<"$body"; then ok=0; fi
  if [ -n "$nre" ] && grep -Eq -- "$nre" <<<"$body"; then ok=0; fi
  if [ $ok = 1 ]; then pass=$((pass+1)); printf 'ok   %-44s %-5s %s %s -> %s\n' "$label" "$port" "$method" "$path" "$status"
  else fail=$((fail+1)); printf 'FAIL %-44s %-5s %s %s -> %s (want %s /%s/)\n     %s\n' "$label" "$port" "$method" "$path" "$status" "$want" "$re" "${body:0:200}"; fi
}
both() { # same expectation in both modes
  local label="$1"; shift
  check "$label [vuln]" "$VP" "$@"; check "$label [fixed]" "$FP" "$@"
}

echo "== V1 BOLA GET /api/v2/expenses/{expense_id}"
check "V1 bob->alice expense"    $VP $B GET /api/v2/expenses/exp_8fK2mQ7xR4tL9wZa 200 'Figma organization plan'
check "V1 bob->alice expense"    $FP $B GET /api/v2/expenses/exp_8fK2mQ7xR4tL9wZa 404 '"not_found"' 'Figma'
check "V1 carol->alice expense"  $VP $C GET /api/v2/expenses/exp_3Hd9Lp2Vn6Ck1Yq0 200 'Globex'
check "V1 carol->alice expense"  $FP $C GET /api/v2/expenses/exp_3Hd9Lp2Vn6Ck1Yq0 404 '"not_found"'
check "V1 alice->bob brightlabs" $VP $A GET /api/v2/expenses/exp_Tb6Wn1Rz8Jx4Me2s 200 'AWS credits'
check "V1 alice->bob brightlabs" $FP $A GET /api/v2/expenses/exp_Tb6Wn1Rz8Jx4Me2s 404 '"not_found"'
check "V1 bob->carol expense"    $VP $B GET /api/v2/expenses/exp_Nc2Xq8Lh5Bm1Fr7k 200 'Avanti'
check "V1 bob->carol expense"    $FP $B GET /api/v2/expenses/exp_Nc2Xq8Lh5Bm1Fr7k 404 '"not_found"'
both  "legit: alice approver of bob launch exp" $A GET /api/v2/expenses/exp_Gu5Ys3Ka7Pc0Vd9f 200 'Pier 27'
both  "legit: bob own expense" $B GET /api/v2/expenses/exp_Tb6Wn1Rz8Jx4Me2s 200 'AWS credits'
both  "control: v1 expense route is checked" $B GET /api/v1/expenses/exp_8fK2mQ7xR4tL9wZa 404 'Not found'

echo "== V1b DELETE /api/v2/expenses/{expense_id} (write; on a throwaway draft)"
for port in $VP $FP; do
  eid=$(curl -s -X POST -H "Authorization: Bearer $A" -H 'Content-Type: application/json' \
        -d '{"workspace":"acme","title":"verify-throwaway","amount_cents":100}' \
        "http://127.0.0.1:$port/api/v2/expenses" | sed -E 's/.*"id":"(exp_[A-Za-z0-9]+)".*/\1/')
  if [ "$port" = "$VP" ]; then check "V1b bob deletes alice draft" $port $B DELETE /api/v2/expenses/$eid 204 -
  else check "V1b bob deletes alice draft" $port $B DELETE /api/v2/expenses/$eid 403 '"forbidden"'
       check "V1b cleanup: alice deletes own" $port $A DELETE /api/v2/expenses/$eid 204 -; fi
done

echo "== V2 nested: /api/v2/workspaces/{slug}/tasks/{task_id} fetches task globally"
check "V2 bob via brightlabs -> alice task" $VP $B GET /api/v2/workspaces/brightlabs/tasks/7c0e5a1d-2b3f-4e8a-9d16-5f4c3b2a1e90 200 'Homepage hero copy'
check "V2 bob via brightlabs -> alice task" $FP $B GET /api/v2/workspaces/brightlabs/tasks/7c0e5a1d-2b3f-4e8a-9d16-5f4c3b2a1e90 404 '"not_found"'
check "V2 bob via launch-2024 -> acme task" $VP $B GET /api/v2/workspaces/launch-2024/tasks/e5d4c3b2-a190-4f8e-b7d6-c5b4a3928170 200 'Initech'
check "V2 bob via launch-2024 -> acme task" $FP $B GET /api/v2/workspaces/launch-2024/tasks/e5d4c3b2-a190-4f8e-b7d6-c5b4a3928170 404 '"not_found"'
check "V2 carol via northwind -> bob task"  $VP $C GET /api/v2/workspaces/northwind/tasks/1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b 200 'FCM'
check "V2 carol via northwind -> bob task"  $FP $C GET /api/v2/workspaces/northwind/tasks/1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b 404 '"not_found"'
both  "control: bob via acme (not member)" $B GET /api/v2/workspaces/acme/tasks/7c0e5a1d-2b3f-4e8a-9d16-5f4c3b2a1e90 404 'Workspace not found'
both  "legit: bob shared launch task"      $B GET /api/v2/workspaces/launch-2024/tasks/4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d 200 'Book venue'
both  "control: /tasks/{id} checked (HTML 404)" $B GET /api/v2/tasks/7c0e5a1d-2b3f-4e8a-9d16-5f4c3b2a1e90 404 '<title>404 Not Found'

echo "== V3 int/str mismatch: /api/v2/projects/{project_id}/budget"
both  "V3 canonical id denied (200 success:false)" $B GET /api/v2/projects/12/budget 200 '"success":false' 'allocated'
check "V3 bob '012' -> alice budget"  $VP $B GET /api/v2/projects/012/budget 200 '"success":true.*Website Redesign'
check "V3 bob '012' -> alice budget"  $FP $B GET /api/v2/projects/012/budget 200 '"success":false' 'allocated'
check "V3 carol '+13' -> alice budget" $VP $C GET /api/v2/projects/+13/budget 200 '"success":true.*Q3 Budget'
check "V3 carol '+13' -> alice budget" $FP $C GET /api/v2/projects/+13/budget 200 '"success":false' 'allocated'
check "V3 alice '0027' -> bob budget" $VP $A GET /api/v2/projects/0027/budget 200 '"success":true.*Mobile App'
check "V3 alice '0027' -> bob budget" $FP $A GET /api/v2/projects/0027/budget 200 '"success":false' 'allocated'
both  "legit: bob budget shared project 40" $B GET /api/v2/projects/40/budget 200 '"success":true.*Launch Event'

echo "== V4 case-insensitive slug after case-sensitive check: /api/v2/workspaces/{slug}/audit-log"
both  "V4 canonical slug denied" $B GET /api/v2/workspaces/acme/audit-log 403 '"forbidden"'
check "V4 bob 'ACME' -> acme audit log" $VP $B GET /api/v2/workspaces/ACME/audit-log 200 'alice@acmecorp.example'
check "V4 bob 'ACME' -> acme audit log" $FP $B GET /api/v2/workspaces/ACME/audit-log 403 '"forbidden"' 'actor_email'
check "V4 bob member->admin 'Launch-2024'" $VP $B GET /api/v2/workspaces/Launch-2024/audit-log 200 'member.invited'
check "V4 bob member->admin 'Launch-2024'" $FP $B GET /api/v2/workspaces/Launch-2024/audit-log 403 '"forbidden"'
check "V4 carol 'Brightlabs'" $VP $C GET /api/v2/workspaces/Brightlabs/audit-log 200 'former-contractor'
check "V4 carol 'Brightlabs'" $FP $C GET /api/v2/workspaces/Brightlabs/audit-log 403 '"forbidden"'
both  "control: bob canonical launch-2024 audit" $B GET /api/v2/workspaces/launch-2024/audit-log 403 '"forbidden"'
both  "legit: alice 'ACME' own" $A GET /api/v2/workspaces/ACME/audit-log 200 'billing_updated'

echo "== V5 list without membership check: /api/v2/projects/{project_id}/tasks"
check "V5 bob -> project 12 tasks" $VP $B GET /api/v2/projects/12/tasks 200 'Homepage hero copy'
check "V5 bob -> project 12 tasks" $FP $B GET /api/v2/projects/12/tasks 404 '"not_found"'
check "V5 carol -> project 40 tasks" $VP $C GET /api/v2/projects/40/tasks 200 'Book venue'
check "V5 carol -> project 40 tasks" $FP $C GET /api/v2/projects/40/tasks 404 '"not_found"'
check "V5 alice -> project 31 tasks" $VP $A GET /api/v2/projects/31/tasks 200 'Contoso'
check "V5 alice -> project 31 tasks" $FP $A GET /api/v2/projects/31/tasks 404 '"not_found"'
both  "legit: bob shared project 40 tasks" $B GET /api/v2/projects/40/tasks 200 'Book venue'
both  "control: /projects/12 detail checked" $B GET /api/v2/projects/12 404 '"not_found"'

echo "== V6 legacy /api/v1/users/{user_id}/api-keys"
check "V6 bob -> alice keys (v1)" $VP $B GET /api/v1/users/$ALICE/api-keys 200 'Zapier sync.*203.0.113.24'
check "V6 bob -> alice keys (v1)" $FP $B GET /api/v1/users/$ALICE/api-keys 403 'permission'
check "V6 carol -> bob keys (v1)" $VP $C GET /api/v1/users/$BOB/api-keys 200 'Grafana'
check "V6 carol -> bob keys (v1)" $FP $C GET /api/v1/users/$BOB/api-keys 403 'permission'
both  "control: v2 user api-keys checked" $B GET /api/v2/users/$ALICE/api-keys 403 '"forbidden"'

echo "== V7 trailing-slash variant /api/v2/comments/{comment_id}/"
both  "control: canonical comment checked" $B GET /api/v2/comments/501 404 '<title>404 Not Found'
check "V7 bob -> alice comment 501/" $VP $B GET /api/v2/comments/501/ 200 'Legal signed off'
check "V7 bob -> alice comment 501/" $FP $B GET /api/v2/comments/501/ 404 'not_found' 'Legal'
check "V7 alice -> carol comment 733/" $VP $A GET /api/v2/comments/733/ 200 'SOW'
check "V7 alice -> carol comment 733/" $FP $A GET /api/v2/comments/733/ 404 'not_found'
both  "legit: bob shared comment 801/" $B GET /api/v2/comments/801/ 200 'Pier 27 confirmed'

echo "== V8 nested attachment fetched globally: /api/v2/expenses/{expense_id}/attachments/{attachment_id}"
check "V8 bob own exp + alice att 9001" $VP $B GET /api/v2/expenses/exp_Tb6Wn1Rz8Jx4Me2s/attachments/9001 200 'figma-invoice-2024.pdf'
check "V8 bob own exp + alice att 9001" $FP $B GET /api/v2/expenses/exp_Tb6Wn1Rz8Jx4Me2s/attachments/9001 404 '"not_found"'
check "V8 carol own exp + bob att 9003" $VP $C GET /api/v2/expenses/exp_Nc2Xq8Lh5Bm1Fr7k/attachments/9003 200 'aws-invoice'
check "V8 carol own exp + bob att 9003" $FP $C GET /api/v2/expenses/exp_Nc2Xq8Lh5Bm1Fr7k/attachments/9003 404 '"not_found"'
both  "control: parent expense checked" $B GET /api/v2/expenses/exp_8fK2mQ7xR4tL9wZa/attachments/9001 404 '"not_found"'
both  "control: attachments list checked" $B GET /api/v2/expenses/exp_8fK2mQ7xR4tL9wZa/attachments 404 '"not_found"'
both  "legit: alice approver att 9004" $A GET /api/v2/expenses/exp_Gu5Ys3Ka7Pc0Vd9f/attachments/9004 200 'pier27'

echo "== Harmless look-alikes (same in both modes)"
both "H1 public template by alice"   $B GET /api/v2/templates/tpl_event_launch 200 'Event launch'
both "H2 prefs ignore id (own prefs)" $B GET /api/v2/users/$ALICE/preferences 200 "\"user_id\":\"$BOB\"" "$ALICE"
both "H3 public profile, no PII"     $B GET /api/v2/users/$ALICE 200 'Alice Martin' 'acmecorp|555'
both "H4 shared ws members"          $B GET /api/v2/workspaces/launch-2024/members 200 'alice@acmecorp.example'
both "H4 shared project"             $B GET /api/v2/projects/40 200 'Launch Event'
both "H4 shared task"                $B GET /api/v2/tasks/4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d 200 'Book venue'
both "H4 shared comment (alice reads bob)" $A GET /api/v2/comments/801 200 'Pier 27'
both "control: non-member ws members" $C GET /api/v2/workspaces/launch-2024/members 404 'Workspace not found'
both "control: non-member ws detail"  $B GET /api/v2/workspaces/acme 404 'Workspace not found'
both "control: no token"              x  GET /api/v2/me 401 'unauthorized'

echo
echo "passed=$pass failed=$fail"
[ $fail = 0 ]
