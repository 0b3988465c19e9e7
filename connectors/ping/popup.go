package ping

import (
	"html"
	"regexp"
	"strings"
)

// popup holds what extractPopup finds in the HTML of a place's popup.
// Empty strings stand for missing parts.
type popup struct {
	Adresse      string // street lines of the address, joined with ", "
	CodePostal   string // 4 or 5 digits leading the last address line, as written
	Commune      string // the rest of that line
	Telephone    string
	Email        string // from a mailto: link, else the text
	SiteWeb      string // from the link's href, else the text
	Horaires     string // lines joined with "\n"
	Presentation string // paragraphs joined with "\n"
}

// The popup structure of PiNG's map, as recorded in testdata/replay/ping:
//
//	<div class="popup"><h3>Titre</h3>
//	  <p class="adresse">12 rue …<br />44000 Nantes</p>
//	  <p class="tel">02 40 …</p>
//	  <p class="mail"><a href="mailto:contact@…">contact@…</a></p>
//	  <p class="web"><a href="http://…">…</a></p>
//	  <p class="horaires">Mardi 14h-18h<br />…</p>
//	  <div class="presentation"><p>…</p></div>
//	</div>
//
// Elements are found by class, whatever their tag, order or nesting. When
// none of the classes is present, the popup is read as the map's own PHP
// writes it (see popup.legacy).

// node is an element of the popup: its class list, attributes of the first
// link inside it, and its text with line breaks for <br> and block ends.
type node struct {
	classes []string
	href    string
	text    strings.Builder
	tag     string
}

var blockTags = map[string]bool{"p": true, "div": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "tr": true, "table": true, "section": true, "article": true}

// voidTags never have a closing tag.
var voidTags = map[string]bool{"br": true, "img": true, "hr": true, "input": true, "meta": true, "link": true,
	"area": true, "base": true, "col": true, "embed": true, "source": true, "track": true, "wbr": true}

var (
	attrRe   = regexp.MustCompile(`(?s)([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>` + "`" + `]+)))?`)
	postalRe = regexp.MustCompile(`^(\d{4,5})\s*(.*)$`)
	spacesRe = regexp.MustCompile(`[ \t\f\v\r\x{00a0}]+`)
)

// extractPopup reads the popup HTML tolerantly: unknown tags are ignored,
// unclosed elements end with their parent or the input, entities are
// decoded, tags are stripped.
func extractPopup(src string) popup {
	texts := map[string]*node{}
	root := &node{}
	stack := []*node{root} // root holds all the text and is never closed
	var links []link
	writeText := func(s string) {
		for _, n := range stack {
			n.text.WriteString(s)
		}
	}
	for i := 0; i < len(src); {
		lt := strings.IndexByte(src[i:], '<')
		if lt < 0 {
			writeText(html.UnescapeString(src[i:]))
			break
		}
		writeText(html.UnescapeString(src[i : i+lt]))
		i += lt
		if strings.HasPrefix(src[i:], "<!--") {
			end := strings.Index(src[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		gt := strings.IndexByte(src[i:], '>')
		if gt < 0 {
			writeText(html.UnescapeString(src[i:])) // a lone '<' is text
			break
		}
		tag := src[i+1 : i+gt]
		i += gt + 1
		closing := strings.HasPrefix(tag, "/")
		tag = strings.TrimPrefix(tag, "/")
		nameEnd := strings.IndexAny(tag, " \t\r\n/")
		if nameEnd < 0 {
			nameEnd = len(tag)
		}
		name := strings.ToLower(tag[:nameEnd])
		if name == "" || !isIdentStart(name[0]) {
			writeText(html.UnescapeString("<" + tag + ">"))
			continue
		}
		if closing {
			// Pop up to the matching element, if open.
			for j := len(stack) - 1; j >= 1; j-- {
				if stack[j].tag == name {
					stack = stack[:j]
					break
				}
			}
			if blockTags[name] {
				writeText("\n")
			}
			continue
		}
		if blockTags[name] {
			// As in HTML, a block start tag closes an open paragraph.
			for j := len(stack) - 1; j >= 1; j-- {
				if stack[j].tag == "p" {
					stack = stack[:j]
					break
				}
			}
		}
		if name == "br" || blockTags[name] {
			writeText("\n")
		}
		attrs := parseAttrs(tag[nameEnd:])
		if name == "a" && attrs["href"] != "" {
			links = append(links, link{href: attrs["href"], title: attrs["title"], class: attrs["class"]})
			for _, n := range stack {
				if n.href == "" {
					n.href = attrs["href"]
				}
			}
		}
		if voidTags[name] || strings.HasSuffix(tag, "/") {
			continue
		}
		n := &node{tag: name, classes: strings.Fields(strings.ToLower(attrs["class"]))}
		stack = append(stack, n)
		for _, c := range n.classes {
			if _, seen := texts[c]; !seen {
				texts[c] = n
			}
		}
	}

	lines := func(class string) []string {
		n := texts[class]
		if n == nil {
			return nil
		}
		var out []string
		for _, l := range strings.Split(n.text.String(), "\n") {
			if l = strings.TrimSpace(spacesRe.ReplaceAllString(l, " ")); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	var p popup
	if addr := lines("adresse"); len(addr) > 0 {
		last := addr[len(addr)-1]
		if m := postalRe.FindStringSubmatch(last); m != nil {
			p.CodePostal, p.Commune = m[1], strings.TrimSpace(m[2])
			addr = addr[:len(addr)-1]
		}
		p.Adresse = strings.Join(addr, ", ")
	}
	p.Telephone = strings.Join(lines("tel"), " ")
	p.Email = strings.Join(lines("mail"), " ")
	if n := texts["mail"]; n != nil && strings.HasPrefix(strings.ToLower(n.href), "mailto:") {
		addr := n.href[len("mailto:"):]
		if q := strings.IndexByte(addr, '?'); q >= 0 {
			addr = addr[:q]
		}
		if addr = oneLine(addr); addr != "" {
			p.Email = addr
		}
	}
	p.SiteWeb = strings.Join(lines("web"), " ")
	if n := texts["web"]; n != nil && n.href != "" {
		p.SiteWeb = oneLine(n.href)
	}
	p.Horaires = strings.Join(lines("horaires"), "\n")
	p.Presentation = strings.Join(lines("presentation"), "\n")
	if texts["adresse"] == nil && texts["tel"] == nil && texts["mail"] == nil && texts["web"] == nil {
		p.legacy(root.text.String(), links)
	}
	return p
}

// oneLine collapses white space, line breaks included, to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// link is an <a href> of the popup.
type link struct{ href, title, class string }

var (
	legacyPostalRe = regexp.MustCompile(`^\d{4,5}$`)
	legacyPhoneRe  = regexp.MustCompile(`^[+(]?\d[\d .()/+-]{7,}$`)
)

// legacy reads the popup as the map's PHP writes it, without classes:
// links to mailto: and to the site in <div id='socialicons'>, then blocks
// separated by blank lines (presentation, horaires, activités, each
// optional), the address on three lines (street, postal code, commune),
// the phone, and "accès mobilite réduite : oui|non". Only the parts that
// can be told apart surely are filled: e-mail, site, address, postal code,
// commune and phone.
func (p *popup) legacy(text string, links []link) {
	for _, l := range links {
		h := strings.TrimSpace(l.href)
		lower := strings.ToLower(h)
		switch {
		case strings.HasPrefix(lower, "mailto:") && p.Email == "":
			addr, _, _ := strings.Cut(h[len("mailto:"):], "?")
			p.Email = oneLine(addr)
		case (strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")) &&
			p.SiteWeb == "" && l.title == "" && strings.Contains(" "+l.class+" ", " icon "):
			p.SiteWeb = oneLine(h) // the site link is the only icon without a title
		}
	}
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		lines = append(lines, strings.TrimSpace(spacesRe.ReplaceAllString(l, " ")))
	}
	for i, l := range lines {
		if !legacyPostalRe.MatchString(l) || i+1 >= len(lines) || lines[i+1] == "" {
			continue
		}
		p.CodePostal, p.Commune = l, lines[i+1]
		if i > 0 && lines[i-1] != "" {
			p.Adresse = lines[i-1]
		}
		for _, next := range lines[i+2:] {
			if next == "" {
				continue
			}
			if legacyPhoneRe.MatchString(next) {
				p.Telephone = next
			}
			break
		}
		return
	}
}

// parseAttrs reads the attributes of a start tag; names are lower-cased.
func parseAttrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(s, -1) {
		name := strings.ToLower(m[1])
		if _, dup := out[name]; dup {
			continue
		}
		out[name] = html.UnescapeString(m[2] + m[3] + m[4])
	}
	return out
}

// fields returns the popup as record fields named popup_*; missing parts
// are nil.
func (p popup) fields() map[string]any {
	val := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	return map[string]any{
		"popup_adresse":      val(p.Adresse),
		"popup_code_postal":  val(p.CodePostal),
		"popup_commune":      val(p.Commune),
		"popup_telephone":    val(p.Telephone),
		"popup_email":        val(p.Email),
		"popup_site_web":     val(p.SiteWeb),
		"popup_horaires":     val(p.Horaires),
		"popup_presentation": val(p.Presentation),
	}
}
