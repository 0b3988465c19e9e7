package schemas

import "unsafe"

// stringBoxer makes Values holding strings without one heap allocation per
// value. Storing a string in an interface normally allocates a copy of its
// header (pointer, length); the boxer stores the headers in slabs of
// boxSlabLen and points the interfaces into them. A slot is written once
// and never reused, so every Value stays immutable, and the garbage
// collector keeps a slab alive for as long as one of its Values is
// referenced (the interface's data word is an ordinary pointer into it).
type stringBoxer struct {
	slab []string
}

const boxSlabLen = 1024

// eface is the layout of an empty interface value.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// stringType is the type word of a Value holding a string.
var stringType = func() unsafe.Pointer {
	var v Value = ""
	return (*eface)(unsafe.Pointer(&v)).typ
}()

// box returns s as a Value: the same as Value(s) for every use (type
// switches, assertions, comparison), without allocating per call.
func (b *stringBoxer) box(s string) Value {
	if len(b.slab) == cap(b.slab) {
		b.slab = make([]string, 0, boxSlabLen)
	}
	b.slab = append(b.slab, s)
	var v Value
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = stringType, unsafe.Pointer(&b.slab[len(b.slab)-1])
	return v
}
