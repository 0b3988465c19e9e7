-- Share of the places on the map (the consolidated table of both place
-- datasets, a place seen in both counted once) that declared each month,
-- per EPCI, département and région. A place declared under either of its
-- source ids (the export's or PiNG's) counts once; a declaration of an id
-- no longer on the map counts nowhere. A place without a known commune
-- counts for the région only.
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
declares AS (
    SELECT DISTINCT i.lieu, f.mois FROM ids i JOIN frequentation_lieux_mediation f ON f.id = i.id
),
mois AS (SELECT DISTINCT mois FROM frequentation_lieux_mediation),
grille AS (
    SELECT l.*, m.mois, d.lieu IS NOT NULL AS declare
    FROM lieux l CROSS JOIN mois m
    LEFT JOIN declares d ON d.lieu = l.lieu AND d.mois = m.mois
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
