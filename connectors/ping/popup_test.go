package ping

import (
	"reflect"
	"strings"
	"testing"
)

func TestExtractPopup(t *testing.T) {
	tests := []struct {
		name string
		html string
		want popup
	}{
		{
			name: "full popup",
			html: `<div class="popup"><h3>Fablab de Clisson</h3><p class="adresse">4 rue des Halles<br />44190 Clisson</p>` +
				`<p class="tel">02 61 91 12 34</p><p class="mail"><a href="mailto:contact@fablab.example">Écrire</a></p>` +
				`<p class="web"><a href="https://www.fablab.example/" target="_blank">site</a></p>` +
				`<p class="horaires">Mardi 14h-18h<br />Samedi 10h-12h</p>` +
				`<div class="presentation"><p>Ateliers d&#039;initiation &amp; accès libre.</p><p>Gratuit.</p></div></div>`,
			want: popup{Adresse: "4 rue des Halles", CodePostal: "44190", Commune: "Clisson", Telephone: "02 61 91 12 34",
				Email: "contact@fablab.example", SiteWeb: "https://www.fablab.example/", Horaires: "Mardi 14h-18h\nSamedi 10h-12h",
				Presentation: "Ateliers d'initiation & accès libre.\nGratuit."},
		},
		{
			name: "address on three lines, four-digit postal code kept as written",
			html: `<p class="adresse">Bâtiment B<br>5 allée Frida Kahlo<br/>4400  Nantes </p>`,
			want: popup{Adresse: "Bâtiment B, 5 allée Frida Kahlo", CodePostal: "4400", Commune: "Nantes"},
		},
		{
			name: "address without postal line",
			html: `<p class="adresse">Place de la Mairie</p>`,
			want: popup{Adresse: "Place de la Mairie"},
		},
		{
			name: "no address, mail without link, single-quoted classes, other order",
			html: `<div class='popup'><p class='web'>www.exemple.example</p><p class='mail'>contact@exemple.example</p><p class='tel'>+33 (0)2 61 91 24 24</p></div>`,
			want: popup{Telephone: "+33 (0)2 61 91 24 24", Email: "contact@exemple.example", SiteWeb: "www.exemple.example"},
		},
		{
			name: "mailto with query and entities, several classes, upper-case tags",
			html: `<P CLASS="contact mail"><A HREF="mailto:contact@a.example?subject=Bonjour&amp;x=1">contact@a.example</A></P>`,
			want: popup{Email: "contact@a.example"},
		},
		{
			name: "unclosed elements and stray brackets",
			html: `<div class="popup"><p class="tel">02 61 91 00 00<p class="horaires">Lundi < 18h &gt; midi`,
			want: popup{Telephone: "02 61 91 00 00", Horaires: "Lundi < 18h > midi"},
		},
		{
			name: "comments and non-breaking spaces",
			html: `<!-- généré --><p class="tel">02&nbsp;61&nbsp;91&nbsp;00&nbsp;01</p><!-- unterminated`,
			want: popup{Telephone: "02 61 91 00 01"},
		},
		{
			name: "empty",
			html: ``,
			want: popup{},
		},
		{
			name: "popup of the map's PHP, without classes",
			html: `<div><div class='leaflet-popup-content-title'>Espace numérique</div>` +
				`<div class='leaflet-popup-content-articlelink'><a href='http://parcoursnumeriques.net/article-12' target='_blank'>lire l'article</a></div>` +
				`<div id='socialicons'><a class='icon' href='mailto:contact@epn.example'><i class='fa fa-envelope'></i></a>` +
				`<a class='icon' href='http://www.epn.example' target='_blank'><i class='fa fa-external-link-square'></i></a>` +
				`<a class='icon' href='https://facebook.example/epn' title='Facebook' target='_blank'><i class='fa fa-facebook'></i></a></div>` +
				`<br /><br />Ateliers pour tous<br /><br />mardi 14h-18h<br /><br />12 rue de la Loire<br />44000<br />Nantes<br /><br />` +
				`02 61 91 00 02<br /><br />accès mobilite réduite : oui<br /><br /><p><strong>activités : </strong>EPN</p>` +
				`<span style='color:#dddddd;font-size:10px;'>12</span></div>`,
			want: popup{Adresse: "12 rue de la Loire", CodePostal: "44000", Commune: "Nantes", Telephone: "02 61 91 00 02",
				Email: "contact@epn.example", SiteWeb: "http://www.epn.example"},
		},
		{
			name: "popup of the map's PHP without address nor phone",
			html: `<div><div class='leaflet-popup-content-title'>Lieu</div><br /><br />accès mobilite réduite : non<br /><br /><span>7</span></div>`,
			want: popup{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := extractPopup(tt.html)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("extractPopup =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestPopupFields(t *testing.T) {
	f := popup{CodePostal: "44190", Commune: "Clisson"}.fields()
	want := map[string]any{
		"popup_adresse": nil, "popup_code_postal": "44190", "popup_commune": "Clisson", "popup_telephone": nil,
		"popup_email": nil, "popup_site_web": nil, "popup_horaires": nil, "popup_presentation": nil,
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("fields() = %#v, want %#v", f, want)
	}
}

func FuzzExtractPopup(f *testing.F) {
	for _, s := range []string{
		`<div class="popup"><h3>Fablab</h3><p class="adresse">4 rue des Halles<br />44190 Clisson</p><p class="tel">02 61 91 12 34</p>` +
			`<p class="mail"><a href="mailto:contact@fablab.example">contact</a></p><p class="web"><a href="https://fablab.example/">site</a></p>` +
			`<p class="horaires">Mardi<br/>Samedi</p><div class="presentation"><p>a &amp; b</p></div></div>`,
		`<div><div class='leaflet-popup-content-title'>Lieu</div><div id='socialicons'><a class='icon' href='mailto:x@y.example'></a></div>` +
			`<br /><br />12 rue X<br />44000<br />Nantes<br /><br />02 61 91 00 00<br /><br /></div>`,
		`<p class=tel>unclosed <b>bold <!-- comment`,
		`< > <a href=mailto:?> &#0; &bogus;`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := extractPopup(s)
		for name, v := range map[string]string{"adresse": p.Adresse, "code postal": p.CodePostal, "commune": p.Commune,
			"telephone": p.Telephone, "email": p.Email, "site": p.SiteWeb} {
			if strings.Contains(v, "\n") || v != strings.TrimSpace(v) {
				t.Errorf("%s = %q: not a trimmed single line", name, v)
			}
		}
	})
}
