package engine

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/jsonbody"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/words"
)

// Whose is a harvested id, and who else may read it.
//
// A listing is public when every user who called it got the very same ids
// (a directory of everyone's documents); it is per-user otherwise ("my
// cards", "workspaces I belong to"). Then:
//
//   - an owner field of the listed object (`owner_email`, `owner: {id}`,
//     `created_by`) that names exactly one configured user by an identity
//     value names the owner, in any listing;
//   - else an id that one user's own per-user listing shows is that user's;
//     an id that several users' listings show, with no owner field, is
//     shared: nobody attacks it;
//   - every user whose per-user listing (or a scope variant of it, such as
//     `?scope=to_approve`, or a nested listing under a parent the user does
//     not own alone) shows an object may read it: when that is not the
//     owner, the object is listed as shared with them (config `shared`), so
//     they never attack it, while the other users do. Such a sighting grants
//     access but claims nothing: the children of bob's expense that alice
//     may approve are bob's.
//
// A short value (a small number, a short name) counts as an owner only in
// a field that plainly names the owner (`owner_id`, `user_id`, `owner.id`,
// `username`), since `account_id: 2` says nothing about user 2.

// sightingEvent is one listing response that showed an id.
type SightingEvent struct {
	Op    string
	User  string
	Named []string // configured users the object's owner fields name
	// variant is set when the listing was read through a scope variant, or
	// under a parent the user does not own alone: it shows access only.
	Variant bool
}

// sighting is what was learnt about one (parameter, id).
type sighting struct {
	events []SightingEvent
	from   []string // operations it was read from
}

// sightings gathers every harvested id in the order first seen, and which
// ids each user's plain listings returned, to tell public listings apart.
type sightings struct {
	M     map[string]map[string]*sighting
	order map[string][]string
	// byOp maps an operation to each user's ids (param + NUL + id) from
	// its plain listing; a user whose listing answered with nothing has an
	// empty set.
	byOp   map[string]map[string]map[string]bool
	public map[string]bool
}

func NewSightings() *sightings {
	return &sightings{M: map[string]map[string]*sighting{}, order: map[string][]string{},
		byOp: map[string]map[string]map[string]bool{}, public: map[string]bool{}}
}

// answered records that user's plain listing op answered with success, so
// that an empty answer counts when comparing users.
func (s *sightings) answered(op, user string) {
	if s.byOp[op] == nil {
		s.byOp[op] = map[string]map[string]bool{}
	}
	if s.byOp[op][user] == nil {
		s.byOp[op][user] = map[string]bool{}
	}
}

// add records that e's listing showed id for param.
func (s *sightings) Add(param, id string, e SightingEvent) {
	if s.M[param] == nil {
		s.M[param] = map[string]*sighting{}
	}
	si := s.M[param][id]
	if si == nil {
		si = &sighting{}
		s.M[param][id] = si
		s.order[param] = append(s.order[param], id)
	}
	si.events = append(si.events, e)
	if !slices.Contains(si.from, e.Op) {
		si.from = append(si.from, e.Op)
	}
	if !e.Variant {
		s.answered(e.Op, e.User)
		s.byOp[e.Op][e.User][param+"\x00"+id] = true
	}
}

// settle decides which listings are public: two or more users called it
// and all got the same, non-empty, ids.
func (s *sightings) Settle() {
	for op, users := range s.byOp {
		if len(users) < 2 {
			continue
		}
		var first map[string]bool
		public := true
		for _, ids := range users {
			if first == nil {
				first = ids
			}
			if len(ids) == 0 || !sameSet(first, ids) {
				public = false
				break
			}
		}
		s.public[op] = public
	}
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// verdict is the decision on one id: its owner ("" when none can be told),
// the other users who may read it, and the users who share it when it has
// no owner.
type Verdict struct {
	Owner   string
	Readers []string
	Shared  []string
}

// decide applies the rules at the top of the file to one id.
func (s *sightings) Decide(si *sighting) Verdict {
	owners, claims, access := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, e := range si.events {
		if len(e.Named) == 1 {
			owners[e.Named[0]] = true
		}
		if s.public[e.Op] {
			continue
		}
		access[e.User] = true
		if !e.Variant && (len(e.Named) == 0 || slices.Contains(e.Named, e.User)) {
			claims[e.User] = true
		}
	}
	var v Verdict
	switch {
	case len(owners) == 1:
		v.Owner = sortedkeys.Of(owners)[0]
	case len(owners) > 1:
		return Verdict{Shared: sortedkeys.Of(owners)}
	case len(claims) == 1:
		v.Owner = sortedkeys.Of(claims)[0]
	default:
		return Verdict{Shared: sortedkeys.Of(claims)}
	}
	delete(access, v.Owner)
	v.Readers = sortedkeys.Of(access)
	return v
}

// parents lists the ids of param that user may use as a nested listing's
// parent, in the order seen, in two parts: the user's own, those that
// other users may read too first (their children are where shared objects
// hide), and the ones it shares or may only read (a workspace it is a
// member of). Ids only a public list shows are neither.
func (s *sightings) Parents(param, user string) (own, others []string) {
	var alone []string
	for _, id := range s.order[param] {
		v := s.Decide(s.M[param][id])
		switch {
		case v.Owner == user && len(v.Readers) > 0:
			own = append(own, id)
		case v.Owner == user:
			alone = append(alone, id)
		case slices.Contains(v.Shared, user) || slices.Contains(v.Readers, user):
			others = append(others, id)
		}
	}
	return append(own, alone...), others
}

// strongOwnerKeys are fields that plainly name an object's owner, so even
// a short identity value (user id 2, name "bob") in them names the owner.
var strongOwnerKeys = words.WordSet("owner", "ownerid", "ownerusername", "ownername", "ownerlogin", "userid",
	"user", "username", "uid", "createdby", "creatorid", "creator", "authorid", "author", "login",
	"handle", "holderid", "holder")

// strongOwnerParents are objects whose id-like fields name the owner:
// {"owner": {"id": 2}}.
var strongOwnerParents = words.WordSet("owner", "user", "creator", "author", "createdby", "holder")

func strongOwnerLeaf(l jsonbody.Leaf) bool {
	return strongOwnerKeys[words.NormKey(l.Key)] || (strongOwnerParents[words.NormKey(l.Parent)] && words.IdLikeKey(l.Key))
}

// itemOwners lists the configured users an owner field of item names.
func (h *Harvester) ItemOwners(item map[string]any) []string {
	w := jsonbody.Walker{}
	w.Walk(item, "$", "", "")
	named := map[string]bool{}
	for _, l := range w.Leaves {
		if !words.OwnerLikeLeaf(l) || (h.Exclude[words.NormKey(l.Key)] && l.Parent == "") {
			continue
		}
		for _, u := range h.S.Cfg.Users {
			if identityNames(u.Identity, l) {
				named[u.Name] = true
			}
		}
	}
	return sortedkeys.Of(named)
}

// identityNames reports whether the leaf holds one of the identity values,
// strong enough for where it stands.
func identityNames(identity map[string]string, l jsonbody.Leaf) bool {
	for _, v := range identity {
		if v == "" || !strings.EqualFold(strings.TrimSpace(l.Value), strings.TrimSpace(v)) {
			continue
		}
		if words.StrongKind(v) != "" || strongOwnerLeaf(l) {
			return true
		}
	}
	return false
}

// owned is what the harvest gives each user: ids per parameter, and the
// operations they came from.
type owned struct {
	ids  map[string]map[string][]string
	from map[string]map[string][]string
}

func (o *owned) Add(user, param, id string, ops []string) {
	if o.ids[user] == nil {
		o.ids[user], o.from[user] = map[string][]string{}, map[string][]string{}
	}
	if len(o.ids[user][param]) < plan.DefaultHarvestIDs {
		o.ids[user][param] = append(o.ids[user][param], id)
	}
	for _, op := range ops {
		if !slices.Contains(o.from[user][param], op) {
			o.from[user][param] = append(o.from[user][param], op)
		}
	}
}

// merge decides every harvested id and returns a copy of the config whose
// users own the ids found for the parameters they list none for, and whose
// `shared` lists the harvested objects that other users may read too.
func (h *Harvester) merge() *config.Config {
	orig := h.S.Cfg
	o := owned{ids: map[string]map[string][]string{}, from: map[string]map[string][]string{}}
	var readable []report.HarvestShared
	for _, param := range sortedkeys.Of(h.seen.M) {
		for _, id := range h.seen.order[param] {
			si := h.seen.M[param][id]
			v := h.seen.Decide(si)
			switch {
			case v.Owner != "":
				o.Add(v.Owner, param, id, si.from)
				if len(v.Readers) > 0 {
					readable = append(readable, report.HarvestShared{Param: param, ID: id, Owner: v.Owner, Users: v.Readers})
				}
			case len(v.Shared) > 1:
				h.rep.Shared = append(h.rep.Shared, report.HarvestShared{Param: param, ID: id, Users: v.Shared})
			}
		}
	}
	cfg := *orig
	cfg.Users = make([]config.User, len(orig.Users))
	used := map[string]bool{} // user + NUL + param whose harvested ids are used
	for i, u := range orig.Users {
		cfg.Users[i] = h.mergeUser(u, o, used)
	}
	cfg.Shared = append([]config.SharedObject(nil), orig.Shared...)
	for _, r := range readable {
		if used[r.Owner+"\x00"+r.Param] {
			cfg.Shared = append(cfg.Shared, config.SharedObject{Param: r.Param, ID: r.ID, Users: append([]string{r.Owner}, r.Users...)})
			h.rep.Shared = append(h.rep.Shared, r)
		}
	}
	return &cfg
}

// mergeUser gives u the harvested ids for the parameters u lists none for.
func (h *Harvester) mergeUser(u config.User, o owned, used map[string]bool) config.User {
	nu := u
	nu.Owns = make(map[string][]string, len(u.Owns))
	for k, v := range u.Owns {
		nu.Owns[k] = v
	}
	for _, param := range sortedkeys.Of(o.ids[u.Name]) {
		f := report.HarvestFound{User: u.Name, Param: param, IDs: o.ids[u.Name][param], From: o.from[u.Name][param], Used: len(u.Owns[param]) == 0}
		if f.Used {
			nu.Owns[param] = f.IDs
			used[u.Name+"\x00"+param] = true
		} else {
			f.Why = fmt.Sprintf("the config lists owns.%s for %s; those ids win", param, u.Name)
		}
		h.rep.Found = append(h.rep.Found, f)
	}
	return nu
}

// summary is one log line: ids found per user and parameter.
func (h *Harvester) summary() string {
	per := map[string][]string{}
	for _, f := range h.rep.Found {
		per[f.User] = append(per[f.User], fmt.Sprintf("%s=%d", f.Param, len(f.IDs)))
	}
	var parts []string
	for _, u := range h.S.Cfg.Users {
		if len(per[u.Name]) > 0 {
			sort.Strings(per[u.Name])
			parts = append(parts, u.Name+": "+strings.Join(per[u.Name], " "))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "no ids found")
	}
	if len(h.rep.Shared) > 0 {
		parts = append(parts, fmt.Sprintf("%d ids shared (not attacked by those who may read them)", len(h.rep.Shared)))
	}
	return strings.Join(parts, "; ")
}
