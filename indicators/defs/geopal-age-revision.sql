-- Median age, in years, of the last revision of the resources described by
-- the GEOPAL catalogue, for the whole catalogue and by organisation. The
-- last revision is the revision date, else the publication date, else the
-- creation date of the resource; a record with none of them is left out.
-- The age is counted in days up to the reference date, the day the input
-- release was published (the timestamp that starts its release id, in UTC,
-- read from the path of the release the view reads), then divided by
-- 365.25. An even number of records takes the mean of the two middle ages.
WITH reference AS (
    SELECT coalesce(
               CAST(try_strptime(regexp_extract(sql, '/([0-9]{8}T[0-9]{6}Z)[^/]*/data\.parquet', 1),
                                 '%Y%m%dT%H%M%SZ') AS DATE),
               error('geopal-age-revision: date de publication introuvable dans le chemin de la publication lue')
           ) AS date_reference
    FROM duckdb_views()
    WHERE view_name = 'geopal_catalogue' AND NOT internal
),
fiches AS (
    SELECT coalesce(nullif(trim(g.organisation), ''), 'Organisation non renseignée') AS organisation,
           r.date_reference,
           date_diff('day', CAST(coalesce(g.revision_date, g.publication_date, g.creation_date) AS DATE),
                     r.date_reference) AS age_jours
    FROM geopal_catalogue g CROSS JOIN reference r
    WHERE coalesce(g.revision_date, g.publication_date, g.creation_date) IS NOT NULL
),
ages AS (
    SELECT organisation AS dimension, date_reference, median(age_jours) AS mediane, count(*) AS fiches
    FROM fiches GROUP BY ALL
    UNION ALL
    SELECT 'Ensemble', date_reference, median(age_jours), count(*) FROM fiches GROUP BY ALL
)
SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle, dimension,
       CAST(mediane AS DOUBLE) / 365.25 AS valeur,
       CAST(fiches AS BIGINT) AS fiches,
       date_reference
FROM ages
ORDER BY niveau, code, dimension
