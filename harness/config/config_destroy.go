package config

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// DestroyObject names an object the harness may DELETE as another user
// (key `destroy`): a deleted object cannot be restored, so DELETE is sent
// to nothing else.
type DestroyObject struct {
	Param string `yaml:"param"`
	ID    string `yaml:"id"`
}

// destroyKeys are the keys of one destroy entry.
var destroyKeys = []string{"param", "id"}

// readDestroy reads `destroy: [{param: doc_id, id: "9"}]`.
func (p *parser) readDestroy(n *yaml.Node) ([]DestroyObject, error) {
	var out []DestroyObject
	for i, item := range listItems(n) {
		key := fmt.Sprintf("destroy[%d]", i)
		fields, err := p.fields(key, item, destroyKeys)
		if err != nil {
			return nil, err
		}
		var d DestroyObject
		for _, f := range fields {
			k := key + "." + f.key
			switch f.key {
			case "param":
				err = p.readString(k, f.value, "", func(v string) { d.Param = v })
			case "id":
				err = p.readString(k, f.value, "", func(v string) { d.ID = v })
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// checkDestroy requires a parameter and an id in every destroy entry.
func (c *Config) checkDestroy() error {
	for i, d := range c.Destroy {
		key := fmt.Sprintf("destroy[%d]", i)
		if d.Param == "" {
			return c.errf(key+".param", "missing; name the id parameter of the object that may be deleted, e.g. `param: doc_id`")
		}
		if d.ID == "" {
			return c.errf(key+".id", "missing; give the id of the object that may be deleted")
		}
	}
	return nil
}

// destroys reports whether the config lets the harness DELETE object id of
// param as another user.
func (c *Config) Destroys(param, id string) bool {
	for _, d := range c.Destroy {
		if d.Param == param && d.ID == id {
			return true
		}
	}
	return false
}
