-- Share of the declared visits that are those of each public, per EPCI,
-- département and région, per year. A masked count ("< 5") or an empty
-- one adds nothing to the numerator; the denominator is every visit.
WITH mois AS (
    SELECT f.*, substr(f.mois, 1, 4) AS periode,
           c.siren_epci, c.nom_epci, c.code_departement, c.nom_departement
    FROM frequentation_lieux_mediation f
    LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = f.code_insee
),
publics AS (
    SELECT *, 'Jeunes' AS dimension, coalesce(TRY_CAST(visites_jeunes AS BIGINT), 0) AS n FROM mois
    UNION ALL
    SELECT *, 'Étudiants', coalesce(TRY_CAST(visites_etudiants AS BIGINT), 0) FROM mois
    UNION ALL
    SELECT *, 'Familles et/ou enfants', coalesce(TRY_CAST(visites_familles_enfants AS BIGINT), 0) FROM mois
    UNION ALL
    SELECT *, 'Seniors', coalesce(TRY_CAST(visites_seniors AS BIGINT), 0) FROM mois
    UNION ALL
    SELECT *, 'Femmes', coalesce(TRY_CAST(visites_femmes AS BIGINT), 0) FROM mois
),
parts AS (
    SELECT 'epci' AS niveau, siren_epci AS code, nom_epci AS libelle, periode, dimension,
           sum(n) AS numerateur, sum(visites) AS denominateur
    FROM publics WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, nom_departement, periode, dimension, sum(n), sum(visites)
    FROM publics WHERE code_departement IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'region', '52', 'Pays de la Loire', periode, dimension, sum(n), sum(visites)
    FROM publics GROUP BY ALL
)
SELECT niveau, code, libelle, periode, dimension,
       CAST(numerateur AS DOUBLE) / denominateur AS valeur,
       CAST(numerateur AS BIGINT) AS numerateur,
       CAST(denominateur AS BIGINT) AS denominateur
FROM parts
WHERE denominateur > 0
ORDER BY niveau, code, periode, dimension
