-- Metadata records of the GEOPAL catalogue by resource type (ISO 19115
-- hierarchy level: dataset, series, service…), for the région. The
-- "Ensemble" row equals the number of records in the input release.
WITH fiches AS (
    SELECT identifier,
           CASE hierarchy_level
               WHEN 'dataset' THEN 'Jeu de données'
               WHEN 'series' THEN 'Série de données'
               WHEN 'service' THEN 'Service'
               WHEN 'nonGeographicDataset' THEN 'Données non géographiques'
               WHEN 'featureType' THEN 'Type d''objet'
               WHEN 'software' THEN 'Logiciel'
               WHEN 'model' THEN 'Modèle'
               WHEN 'tile' THEN 'Tuile'
               ELSE coalesce(hierarchy_level, 'Type non renseigné')
           END AS type
    FROM geopal_catalogue
)
SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle, dimension,
       CAST(count(*) AS DOUBLE) AS valeur
FROM (SELECT identifier, type AS dimension FROM fiches
      UNION ALL
      SELECT identifier, 'Ensemble' FROM fiches)
GROUP BY dimension
ORDER BY niveau, code, dimension
