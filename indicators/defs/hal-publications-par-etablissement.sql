-- HAL publications per publication year and institution. The institutions
-- are the HAL structures the harvest asks for (etablissements_hal(),
-- from the prelude);
-- HAL indexes a document under the parents of its laboratories, so a
-- document counts for every listed institution among its structures, and
-- once in "Ensemble" (every document of the release for that year).
WITH publications AS (
    SELECT docid, CAST(publication_year AS VARCHAR) AS periode,
           structures_hal(structures) AS structures
    FROM hal_publications
    WHERE publication_year IS NOT NULL
),
par_etablissement AS (
    SELECT DISTINCT p.docid, p.periode, e.etablissement AS dimension
    FROM publications p
    JOIN etablissements_hal() e ON list_contains(p.structures, e.struct_id)
    UNION ALL
    SELECT docid, periode, 'Ensemble' FROM publications
)
SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle, periode, dimension,
       CAST(count(*) AS DOUBLE) AS valeur
FROM par_etablissement
GROUP BY ALL
ORDER BY niveau, code, periode, dimension
