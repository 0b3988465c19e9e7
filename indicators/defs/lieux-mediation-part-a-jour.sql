-- Share of places of digital inclusion whose listing was updated (date_maj)
-- in the twelve months before the reference date, by the organisation that
-- collected the listing (source), per département and région, over the
-- consolidated table of places (one row a place; a place of both the
-- national export and PiNG's map counted once, with the later of its two
-- dates and that listing's source). The reference date is the latest
-- publication day of the source releases the places' dates come from
-- (date_publication, read by the consolidated table from its inputs'
-- release ids): the result depends on the input data only, never on the
-- day the indicator is computed.
WITH reference AS (
    SELECT max(date_publication) AS date_reference FROM lieux_mediation_numerique_consolides
),
lieux AS (
    SELECT l.dimension AS id, c.code_insee,
           coalesce(nullif(trim(l.source), ''), 'Source non renseignée') AS source,
           l.date_maj > r.date_reference - INTERVAL 12 MONTH AS a_jour,
           r.date_reference
    FROM lieux_mediation_numerique_consolides l
    CROSS JOIN reference r
    LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = l.code
),
par_source AS (
    SELECT *, source AS dimension FROM lieux
    UNION ALL
    SELECT *, 'Ensemble' FROM lieux
),
parts AS (
    SELECT t.niveau, t.code, t.libelle, p.dimension, p.date_reference,
           count(*) FILTER (WHERE p.a_jour) AS numerateur, count(*) AS denominateur
    FROM par_source p
    JOIN territoires_englobants() t ON t.code_insee IS NOT DISTINCT FROM p.code_insee
    WHERE t.niveau IN ('departement', 'region')
    GROUP BY ALL
)
SELECT niveau, code, libelle, dimension,
       CAST(numerateur AS DOUBLE) / denominateur AS valeur,
       CAST(numerateur AS BIGINT) AS numerateur,
       CAST(denominateur AS BIGINT) AS denominateur,
       date_reference
FROM parts
ORDER BY niveau, code, dimension
