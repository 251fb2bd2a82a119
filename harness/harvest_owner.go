package harness

import (
	"fmt"
	"sort"
	"strings"
)

// Whose is a harvested id.
//
// An id seen in a user's own listing is that user's, unless another user's
// listing shows it too (then it is shared and nobody attacks it: both may
// read it legitimately). An owner field in the listed object (`owner_email`,
// `owner: {id}`, `created_by`) that names exactly one configured user by an
// identity value decides instead, wherever the object was seen: that is how a
// public list of every user's objects gives each object its owner. A short
// value (a small number, a short name) counts only in a field that plainly
// names the owner (`owner_id`, `user_id`, `owner.id`, `username`), since
// `account_id: 2` says nothing about user 2.

// sighting is what was learnt about one (parameter, id).
type sighting struct {
	claims map[string]bool // users whose own listing showed it, no owner field naming another
	owners map[string]bool // users an owner field of the object names
	from   []string        // operations it was read from
}

// sightings gathers every harvested id in the order first seen.
type sightings struct {
	m     map[string]map[string]*sighting
	order map[string][]string
}

func newSightings() *sightings {
	return &sightings{m: map[string]map[string]*sighting{}, order: map[string][]string{}}
}

// add records that caller's listing op showed id for param, in an object
// whose owner fields name the users in named.
func (s *sightings) add(param, id, op, caller string, named []string) {
	if s.m[param] == nil {
		s.m[param] = map[string]*sighting{}
	}
	si := s.m[param][id]
	if si == nil {
		si = &sighting{claims: map[string]bool{}, owners: map[string]bool{}}
		s.m[param][id] = si
		s.order[param] = append(s.order[param], id)
	}
	if !hasString(si.from, op) {
		si.from = append(si.from, op)
	}
	switch {
	case len(named) == 1:
		si.owners[named[0]] = true
	case len(named) == 0 || hasString(named, caller):
		// No owner field, or one that names several users the caller is
		// among (a team object): the caller's, unless others see it too.
		si.claims[caller] = true
	}
}

// decide names the owner of one id, or the users who share it.
func (si *sighting) decide() (owner string, shared []string) {
	switch {
	case len(si.owners) == 1:
		return sortedKeys(si.owners)[0], nil
	case len(si.owners) > 1:
		return "", sortedKeys(si.owners)
	case len(si.claims) == 1:
		return sortedKeys(si.claims)[0], nil
	}
	return "", sortedKeys(si.claims)
}

// ownedBy lists the ids of param that are user's so far, in the order seen:
// the parents a nested listing is called with.
func (s *sightings) ownedBy(param, user string) []string {
	var out []string
	for _, id := range s.order[param] {
		if owner, _ := s.m[param][id].decide(); owner == user {
			out = append(out, id)
		}
	}
	return out
}

// strongOwnerKeys are fields that plainly name an object's owner, so even
// a short identity value (user id 2, name "bob") in them names the owner.
var strongOwnerKeys = wordSet("owner", "ownerid", "ownerusername", "ownername", "ownerlogin", "userid",
	"user", "username", "uid", "createdby", "creatorid", "creator", "authorid", "author", "login",
	"handle", "holderid", "holder")

// strongOwnerParents are objects whose id-like fields name the owner:
// {"owner": {"id": 2}}.
var strongOwnerParents = wordSet("owner", "user", "creator", "author", "createdby", "holder")

func strongOwnerLeaf(l leaf) bool {
	return strongOwnerKeys[normKey(l.Key)] || (strongOwnerParents[normKey(l.Parent)] && idLikeKey(l.Key))
}

// itemOwners lists the configured users an owner field of item names.
func (h *harvester) itemOwners(item map[string]any, caller string) []string {
	w := walker{}
	w.walk(item, "$", "", "")
	named := map[string]bool{}
	for _, l := range w.leaves {
		if !ownerLikeLeaf(l) || (h.exclude[normKey(l.Key)] && l.Parent == "") {
			continue
		}
		for _, u := range h.s.cfg.Users {
			if identityNames(u.Identity, l) {
				named[u.Name] = true
			}
		}
	}
	return sortedKeys(named)
}

// identityNames reports whether the leaf holds one of the identity values,
// strong enough for where it stands.
func identityNames(identity map[string]string, l leaf) bool {
	for _, v := range identity {
		if v == "" || !strings.EqualFold(strings.TrimSpace(l.Value), strings.TrimSpace(v)) {
			continue
		}
		if strongKind(v) != "" || strongOwnerLeaf(l) {
			return true
		}
	}
	return false
}

// merge decides every harvested id's owner and returns a copy of the config
// whose users own the ids found for the parameters they list none for.
func (h *harvester) merge() *Config {
	orig := h.s.cfg
	owned := map[string]map[string][]string{}
	from := map[string]map[string][]string{}
	for _, param := range sortedKeys(h.seen.m) {
		for _, id := range h.seen.order[param] {
			si := h.seen.m[param][id]
			owner, shared := si.decide()
			if owner == "" {
				if len(shared) > 1 {
					h.rep.Shared = append(h.rep.Shared, HarvestShared{Param: param, ID: id, Users: shared})
				}
				continue
			}
			if owned[owner] == nil {
				owned[owner], from[owner] = map[string][]string{}, map[string][]string{}
			}
			if len(owned[owner][param]) < DefaultHarvestIDs {
				owned[owner][param] = append(owned[owner][param], id)
			}
			for _, op := range si.from {
				if !hasString(from[owner][param], op) {
					from[owner][param] = append(from[owner][param], op)
				}
			}
		}
	}
	cfg := *orig
	cfg.Users = make([]User, len(orig.Users))
	for i, u := range orig.Users {
		nu := u
		nu.Owns = make(map[string][]string, len(u.Owns))
		for k, v := range u.Owns {
			nu.Owns[k] = v
		}
		for _, param := range sortedKeys(owned[u.Name]) {
			f := HarvestFound{User: u.Name, Param: param, IDs: owned[u.Name][param], From: from[u.Name][param], Used: len(u.Owns[param]) == 0}
			if f.Used {
				nu.Owns[param] = f.IDs
			} else {
				f.Why = fmt.Sprintf("the config lists owns.%s for %s; those ids win", param, u.Name)
			}
			h.rep.Found = append(h.rep.Found, f)
		}
		cfg.Users[i] = nu
	}
	return &cfg
}

// summary is one log line: ids found per user and parameter.
func (h *harvester) summary() string {
	per := map[string][]string{}
	for _, f := range h.rep.Found {
		per[f.User] = append(per[f.User], fmt.Sprintf("%s=%d", f.Param, len(f.IDs)))
	}
	var parts []string
	for _, u := range h.s.cfg.Users {
		if len(per[u.Name]) > 0 {
			sort.Strings(per[u.Name])
			parts = append(parts, u.Name+": "+strings.Join(per[u.Name], " "))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "no ids found")
	}
	if len(h.rep.Shared) > 0 {
		parts = append(parts, fmt.Sprintf("%d shared ids left out", len(h.rep.Shared)))
	}
	return strings.Join(parts, "; ")
}
