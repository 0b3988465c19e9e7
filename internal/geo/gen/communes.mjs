// communes.mjs writes ../communes-52.csv, the communes reference table of
// région Pays de la Loire (code 52), from the npm package
// @etalab/decoupage-administratif pinned in package.json.
//
// Usage: cd internal/geo/gen && npm ci && node communes.mjs
//
// Columns: code_insee,nom,codes_postaux,population,population_annee,
// departement,departement_nom,epci,epci_nom,epci_nature (codes_postaux joined
// with "|"), one row per commune of type "commune-actuelle", sorted by INSEE
// code, UTF-8, LF line endings.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REGION = '52';
const DEPARTEMENTS = new Set(['44', '49', '53', '72', '85']);
const EXPECTED = 1228;
// POPULATION_ANNEE is the vintage of communes.json's `population`: the
// package's build reads INSEE's "populations légales" file (column PMUN,
// population municipale) linked from its README, insee.fr/fr/statistiques/
// 8680726: populations légales 2023, in force on 1 January 2026, for the
// 2026 millésime of package 6.x. Update it with the package version.
const POPULATION_ANNEE = 2023;
// NATURES names the `type` of epci.json in French.
const NATURES = {
  METRO: 'Métropole',
  MET69: 'Métropole de Lyon',
  CU: 'Communauté urbaine',
  CA: "Communauté d'agglomération",
  CC: 'Communauté de communes',
};

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('@etalab/decoupage-administratif/package.json'));
const load = (name) => JSON.parse(readFileSync(join(pkgDir, 'data', name), 'utf8'));

const communes = load('communes.json');
const epcis = load('epci.json');
const departements = new Map(load('departements.json').map((d) => [d.code, d.nom]));
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;

// EPCI membership: commune INSEE code -> {code, nom}.
const epciOf = new Map();
for (const e of epcis) {
  for (const m of e.membres ?? []) {
    if (epciOf.has(m.code)) {
      throw new Error(`commune ${m.code} belongs to two EPCI: ${epciOf.get(m.code).code} and ${e.code}`);
    }
    const nature = NATURES[e.type];
    if (!nature) throw new Error(`EPCI ${e.code} has an unknown type ${e.type}`);
    epciOf.set(m.code, { code: e.code, nom: e.nom, nature });
  }
}

const rows = communes
  .filter((c) => c.region === REGION && c.type === 'commune-actuelle')
  .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

if (rows.length !== EXPECTED) {
  throw new Error(`expected ${EXPECTED} communes in région ${REGION}, got ${rows.length}`);
}

// csvField quotes a value when it holds a comma, a quote or a line break.
const csvField = (v) => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

const lines = ['code_insee,nom,codes_postaux,population,population_annee,departement,departement_nom,epci,epci_nom,epci_nature'];
let withoutEpci = 0;
for (const c of rows) {
  if (!DEPARTEMENTS.has(c.departement)) {
    throw new Error(`commune ${c.code} ${c.nom} is in département ${c.departement}, outside région ${REGION}`);
  }
  const epci = epciOf.get(c.code);
  if (!epci) withoutEpci++;
  const postaux = [...new Set(c.codesPostaux ?? [])].sort();
  lines.push([
    c.code,
    c.nom,
    postaux.join('|'),
    c.population ?? '',
    c.population === undefined ? '' : POPULATION_ANNEE,
    c.departement,
    departements.get(c.departement),
    epci?.code ?? '',
    epci?.nom ?? '',
    epci?.nature ?? '',
  ].map(csvField).join(','));
}

const out = join(here, '..', 'communes-52.csv');
writeFileSync(out, lines.join('\n') + '\n', 'utf8');
console.log(`wrote ${out}: ${rows.length} communes from @etalab/decoupage-administratif ${version}` +
  (withoutEpci ? `, ${withoutEpci} without EPCI` : ''));
