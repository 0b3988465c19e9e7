-- Metadata records of the GEOPAL catalogue by ISO 19115 topic category
-- (topic_category, a record may have several), for the région. A record
-- counts once in each of its categories and once in "Ensemble", which
-- equals the number of records in the input release; records without a
-- category count under "Thème non renseigné".
WITH fiches AS (
    SELECT identifier,
           CASE WHEN coalesce(len(topic_category), 0) = 0
                THEN ['?']
                ELSE topic_category
           END AS categories
    FROM geopal_catalogue
),
par_theme AS (
    SELECT identifier,
           CASE c
               WHEN 'farming' THEN 'Agriculture'
               WHEN 'biota' THEN 'Flore et faune'
               WHEN 'boundaries' THEN 'Limites administratives'
               WHEN 'climatologyMeteorologyAtmosphere' THEN 'Climatologie, météorologie'
               WHEN 'economy' THEN 'Économie'
               WHEN 'elevation' THEN 'Altitude'
               WHEN 'environment' THEN 'Environnement'
               WHEN 'geoscientificInformation' THEN 'Géosciences'
               WHEN 'health' THEN 'Santé'
               WHEN 'imageryBaseMapsEarthCover' THEN 'Imagerie, cartes de base, occupation des terres'
               WHEN 'intelligenceMilitary' THEN 'Défense'
               WHEN 'inlandWaters' THEN 'Eaux intérieures'
               WHEN 'location' THEN 'Localisation'
               WHEN 'oceans' THEN 'Océans'
               WHEN 'planningCadastre' THEN 'Aménagement, cadastre'
               WHEN 'society' THEN 'Société'
               WHEN 'structure' THEN 'Constructions et ouvrages'
               WHEN 'transportation' THEN 'Transports'
               WHEN 'utilitiesCommunication' THEN 'Réseaux, services d''utilité publique'
               WHEN '?' THEN 'Thème non renseigné'
               ELSE c
           END AS dimension
    FROM (SELECT identifier, unnest(categories) AS c FROM fiches)
    UNION ALL
    SELECT identifier, 'Ensemble' FROM fiches
)
SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle, dimension,
       CAST(count(DISTINCT identifier) AS DOUBLE) AS valeur
FROM par_theme
GROUP BY dimension
ORDER BY niveau, code, dimension
