-- Share of places of digital inclusion whose listing was updated (date_maj)
-- in the twelve months before the reference date, by collecting source, per
-- département and région. The reference date is the day the input release
-- was published (the timestamp that starts its release id, in UTC), read
-- from the path of the release the view reads: the result depends on the
-- input data only, never on the day the indicator is computed.
WITH reference AS (
    SELECT coalesce(
               CAST(try_strptime(regexp_extract(sql, '/([0-9]{8}T[0-9]{6}Z)[^/]*/data\.parquet', 1),
                                 '%Y%m%dT%H%M%SZ') AS DATE),
               error('lieux-mediation-part-a-jour: date de publication introuvable dans le chemin de la publication lue')
           ) AS date_reference
    FROM duckdb_views()
    WHERE view_name = 'lieux_mediation_numerique_pdl' AND NOT internal
),
lieux AS (
    SELECT l.id, c.code_insee,
           coalesce(nullif(trim(l.source), ''), 'Source non renseignée') AS source,
           l.date_maj > r.date_reference - INTERVAL 12 MONTH AS a_jour,
           r.date_reference
    FROM lieux_mediation_numerique_pdl l
    CROSS JOIN reference r
    LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = l.code_insee
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
