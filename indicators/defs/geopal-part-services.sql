-- Share of the GEOPAL data records (ISO hierarchy level dataset or series;
-- service records describe the services themselves and are left out) that
-- give a WFS service, a WMS service, a direct download link (an online
-- resource whose protocol starts with WWW:DOWNLOAD), and at least one of the
-- three, for the région.
WITH fiches AS (
    SELECT identifier,
           nullif(trim(wfs_url), '') IS NOT NULL
               OR list_contains(protocoles, 'OGC:WFS') AS wfs,
           nullif(trim(wms_url), '') IS NOT NULL
               OR list_contains(protocoles, 'OGC:WMS') AS wms,
           len(list_filter(protocoles, p -> starts_with(p, 'WWW:DOWNLOAD'))) > 0 AS telechargement
    FROM (SELECT *,
                 coalesce(CAST(json_extract_string(online_resources, '$[*].protocol') AS VARCHAR[]), [])
                     AS protocoles
          FROM geopal_catalogue)
    WHERE hierarchy_level IN ('dataset', 'series')
),
comptes AS (
    SELECT count(*) AS fiches,
           count(*) FILTER (WHERE wfs) AS wfs,
           count(*) FILTER (WHERE wms) AS wms,
           count(*) FILTER (WHERE telechargement) AS telechargement,
           count(*) FILTER (WHERE wfs OR wms OR telechargement) AS au_moins_un
    FROM fiches
),
parts AS (
    SELECT 'Service WFS' AS dimension, wfs AS numerateur, fiches FROM comptes
    UNION ALL SELECT 'Service WMS', wms, fiches FROM comptes
    UNION ALL SELECT 'Téléchargement direct', telechargement, fiches FROM comptes
    UNION ALL SELECT 'Au moins un des trois', au_moins_un, fiches FROM comptes
)
SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle, dimension,
       CAST(numerateur AS DOUBLE) / fiches AS valeur,
       CAST(numerateur AS BIGINT) AS numerateur,
       CAST(fiches AS BIGINT) AS denominateur
FROM parts
WHERE fiches > 0
ORDER BY niveau, code, dimension
