package schemas

import "testing"

func TestLengthSurelyIn(t *testing.T) {
	tests := []struct {
		name     string
		min, max int
		value    Value
	}{
		{"short ascii under max", -1, 5, "abc"},
		{"accents at max bytes", -1, 5, "ééé"},
		{"accents over max bytes", -1, 3, "éé"},
		{"at max", -1, 3, "abc"},
		{"over max", -1, 2, "abc"},
		{"min reached by bytes", 2, -1, "abcdefgh"},
		{"min with wide characters", 2, -1, "🗺🗺"},
		{"min not reached", 3, -1, "ab"},
		{"invalid bytes", 1, 2, "\xff\xfe"},
		{"list value", 1, 2, []Value{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cf := &compiledField{minLen: tt.min, maxLen: tt.max}
			if !lengthSurelyIn(cf, tt.value) {
				return // the characters are counted: always right
			}
			n := length(tt.value)
			if (tt.min >= 0 && n < tt.min) || (tt.max >= 0 && n > tt.max) {
				t.Fatalf("%q (%d characters) said to be within [%d, %d]", tt.value, n, tt.min, tt.max)
			}
		})
	}
}
