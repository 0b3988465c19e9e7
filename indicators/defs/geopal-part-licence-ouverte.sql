-- Share of the GEOPAL catalogue's records published under an open licence,
-- for the région ("Ensemble") and by responsible organisation. Open means a
-- licence of the open definition recognised in licence_id: Licence Ouverte
-- 1.0 and 2.0, ODbL, CC BY 4.0, CC BY-SA 4.0, CC0. A record whose licence
-- could not be identified (licence_id empty) or carries a restriction such as
-- NC counts as not open. The denominator is every record of the release.
WITH fiches AS (
    SELECT identifier,
           coalesce(nullif(trim(organisation), ''), 'Organisation non renseignée') AS organisation,
           coalesce(licence_id IN ('etalab-1.0', 'etalab-2.0', 'odc-odbl', 'cc-by-4.0',
                                   'cc-by-sa-4.0', 'cc0-1.0'), false) AS ouverte
    FROM geopal_catalogue
),
parts AS (
    SELECT organisation AS dimension, count(*) FILTER (WHERE ouverte) AS numerateur,
           count(*) AS denominateur
    FROM fiches GROUP BY ALL
    UNION ALL
    SELECT 'Ensemble', count(*) FILTER (WHERE ouverte), count(*) FROM fiches
)
SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle, dimension,
       CAST(numerateur AS DOUBLE) / denominateur AS valeur,
       CAST(numerateur AS BIGINT) AS numerateur,
       CAST(denominateur AS BIGINT) AS denominateur
FROM parts
WHERE denominateur > 0
ORDER BY niveau, code, dimension
