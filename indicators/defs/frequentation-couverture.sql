-- Share of the places on the map (the consolidated table of both place
-- datasets, a place seen in both counted once) that declared each month,
-- quarter and year (at least one month of it), per EPCI, département and
-- région. A place declared under either of its source ids (the export's
-- or PiNG's) counts once; a declaration of an id no longer on the map
-- counts nowhere. A place without a known commune counts for the région
-- only.
WITH lieux AS (
    SELECT l.dimension AS lieu, l.sources, c.siren_epci, c.nom_epci, c.code_departement, c.nom_departement
    FROM lieux_mediation_numerique_consolides l
    LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = l.code
),
-- Every source id of every place: sources is "dataset:id|dataset:id".
ids AS (
    SELECT lieu, substr(s.source, strpos(s.source, ':') + 1) AS id
    FROM lieux, unnest(string_split(lieux.sources, '|')) AS s(source)
),
-- Each declared month counts for its month, its quarter and its year.
periodes AS (
    SELECT id, mois AS periode FROM frequentation_lieux_mediation
    UNION ALL
    SELECT id, substr(mois, 1, 4) || '-T' || CAST((CAST(substr(mois, 6, 2) AS INTEGER) + 2) // 3 AS VARCHAR)
    FROM frequentation_lieux_mediation
    UNION ALL
    SELECT id, substr(mois, 1, 4) FROM frequentation_lieux_mediation
),
declares AS (
    SELECT DISTINCT i.lieu, p.periode FROM ids i JOIN periodes p ON p.id = i.id
),
grille AS (
    SELECT l.*, m.periode AS mois, d.lieu IS NOT NULL AS declare
    FROM lieux l CROSS JOIN (SELECT DISTINCT periode FROM periodes) m
    LEFT JOIN declares d ON d.lieu = l.lieu AND d.periode = m.periode
),
parts AS (
    SELECT 'epci' AS niveau, siren_epci AS code, nom_epci AS libelle, mois AS periode,
           count(*) FILTER (WHERE declare) AS numerateur, count(*) AS denominateur
    FROM grille WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, nom_departement, mois, count(*) FILTER (WHERE declare), count(*)
    FROM grille WHERE code_departement IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'region', '52', 'Pays de la Loire', mois, count(*) FILTER (WHERE declare), count(*)
    FROM grille GROUP BY ALL
)
SELECT niveau, code, libelle, periode,
       CAST(numerateur AS DOUBLE) / denominateur AS valeur,
       CAST(numerateur AS BIGINT) AS numerateur,
       CAST(denominateur AS BIGINT) AS denominateur
FROM parts
ORDER BY niveau, code, periode
