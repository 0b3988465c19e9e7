-- Metadata records of the GEOPAL catalogue by the organisation responsible
-- for the resource, for the région. The "Ensemble" row equals the number of
-- records in the input release.
WITH fiches AS (
    SELECT identifier, coalesce(nullif(trim(organisation), ''), 'Organisation non renseignée') AS organisation
    FROM geopal_catalogue
)
SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle, dimension,
       CAST(count(*) AS DOUBLE) AS valeur
FROM (SELECT identifier, organisation AS dimension FROM fiches
      UNION ALL
      SELECT identifier, 'Ensemble' FROM fiches)
GROUP BY dimension
ORDER BY niveau, code, dimension
