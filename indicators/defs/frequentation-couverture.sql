-- Share of the places of the regional map (with a known commune) that
-- declared each month, per EPCI, département and région.
WITH lieux AS (
    SELECT DISTINCT l.id, c.siren_epci, c.nom_epci, c.code_departement, c.nom_departement
    FROM lieux_mediation_numerique_pdl l
    JOIN communes_pays_de_la_loire c ON c.code_insee = l.code_insee
),
mois AS (SELECT DISTINCT mois FROM frequentation_lieux_mediation),
grille AS (
    SELECT l.*, m.mois,
           EXISTS (SELECT 1 FROM frequentation_lieux_mediation f WHERE f.id = l.id AND f.mois = m.mois) AS declare
    FROM lieux l CROSS JOIN mois m
),
parts AS (
    SELECT 'epci' AS niveau, siren_epci AS code, nom_epci AS libelle, mois AS periode,
           count(*) FILTER (WHERE declare) AS numerateur, count(*) AS denominateur
    FROM grille WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, nom_departement, mois, count(*) FILTER (WHERE declare), count(*)
    FROM grille GROUP BY ALL
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
