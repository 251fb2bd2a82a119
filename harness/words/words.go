package words

import (
	"regexp"
	"strings"

	"github.com/bolaharness/bolaharness/harness/jsonbody"
)

// normKey folds a JSON key so that ownerId, owner_id and owner-id compare
// alike.
func NormKey(k string) string {
	return keyFolder.Replace(strings.ToLower(k))
}

// keyFolder is built once: normKey runs for every leaf of every body.
var keyFolder = strings.NewReplacer("_", "", "-", "", ".", "", " ", "")

// ownerWords are keys (folded) that name a person or tenant. A value in such
// a field says whose object this is; the same value elsewhere says nothing.
var ownerWords = map[string]bool{
	"owner": true, "ownerid": true, "owneremail": true, "ownername": true,
	"user": true, "userid": true, "username": true, "useremail": true, "uid": true,
	"customer": true, "customerid": true, "customeremail": true, "client": true, "clientid": true,
	"createdby": true, "creator": true, "creatorid": true, "author": true, "authorid": true,
	"tenant": true, "tenantid": true, "account": true, "accountid": true, "accountholder": true,
	"email": true, "emailaddress": true, "mail": true, "login": true, "handle": true,
	"member": true, "memberid": true, "holder": true, "person": true, "personid": true,
	"patient": true, "patientid": true, "employee": true, "employeeid": true,
	"assignee": true, "reporter": true, "sender": true, "recipient": true,
	"org": true, "orgid": true, "organization": true, "organizationid": true,
	"organisation": true, "organisationid": true, "company": true, "companyid": true,
	"subject": true, "sub": true, "principal": true, "profile": true, "profileid": true,
	"phone": true, "phonenumber": true, "mobile": true,
}

// ownerPrefixes catch composite keys such as owner_display_name or
// customer_email_address: every owner noun, and the folded created_by.
var ownerPrefixes = append(append([]string(nil), ownerNouns...), "createdby")

// ownerSuffixes catch keys such as billing_email or primary_owner.
var ownerSuffixes = []string{"email", "owner", "userid", "ownerid", "username", "customerid", "tenantid", "accountid"}

// ownerLikeKey reports whether a folded key names a person or tenant.
func OwnerLikeKey(key string) bool {
	k := NormKey(key)
	if k == "" {
		return false
	}
	if ownerWords[k] {
		return true
	}
	for _, p := range ownerPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	for _, s := range ownerSuffixes {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	return false
}

// idLikeKey is a key that carries an id or a name inside an owner object:
// {"owner": {"id": 2, "name": "bob"}}.
func IdLikeKey(key string) bool {
	switch NormKey(key) {
	case "id", "uuid", "guid", "name", "login", "email", "username", "key", "ref", "slug", "handle":
		return true
	}
	return false
}

// ownerLikeLeaf reports whether a leaf sits in a field that names an owner.
func OwnerLikeLeaf(l jsonbody.Leaf) bool {
	return OwnerLikeKey(l.Key) || (OwnerLikeKey(l.Parent) && IdLikeKey(l.Key))
}

var (
	emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	UuidRe  = regexp.MustCompile(`^(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$`)
	phoneRe = regexp.MustCompile(`^\+?[0-9][0-9 ().-]{7,}[0-9]$`)
)

// strongKind says why a value is unlikely to occur by chance, or "" when it
// is a short number or word that only counts inside an owner-like field.
func StrongKind(v string) string {
	v = strings.TrimSpace(v)
	switch {
	case emailRe.MatchString(v):
		return "email"
	case UuidRe.MatchString(v):
		return "uuid"
	case phoneRe.MatchString(v) && countDigits(v) >= 8:
		return "phone"
	case len(v) >= 10 && !IsAllDigits(v):
		return "long value"
	case len(v) >= 6 && hasLetter(v) && countDigits(v) > 0:
		return "unique value"
	}
	return ""
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

func IsAllDigits(s string) bool { return s != "" && countDigits(s) == len(s) }

func hasLetter(s string) bool {
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return true
		}
	}
	return false
}

// errorKeys hold a message about the request rather than the object.
var ErrorKeys = map[string]bool{"error": true, "errors": true, "message": true, "msg": true, "detail": true, "details": true, "reason": true, "title": true, "description": true, "errormessage": true, "errorcode": true, "code": true, "status": true}

// denyWords are phrases an access-denied answer uses, whatever its status.
var denyWords = []string{
	"forbidden", "access denied", "permission denied", "not authorized", "not authorised",
	"unauthorized", "unauthorised", "not allowed", "no permission", "insufficient permission",
	"not permitted", "not found", "does not exist", "doesn't exist", "no such", "access is denied",
	"you do not have access", "you don't have access", "denied",
}

// deniedText reports the phrase that marks text as an access-denied answer.
func DeniedText(s string) string {
	s = strings.ToLower(s)
	for _, w := range denyWords {
		if strings.Contains(s, w) {
			return w
		}
	}
	return ""
}
