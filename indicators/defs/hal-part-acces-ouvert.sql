-- Share of HAL publications whose full text is in open access (open_access
-- true), per publication year and institution (same institutions and same
-- counting as hal-publications-par-etablissement). A document whose
-- open_access is unknown counts as not open.
WITH publications AS (
    SELECT docid, CAST(publication_year AS VARCHAR) AS periode,
           coalesce(open_access, false) AS ouvert,
           structures_hal(structures) AS structures
    FROM hal_publications
    WHERE publication_year IS NOT NULL
),
par_etablissement AS (
    SELECT DISTINCT p.docid, p.periode, p.ouvert, e.etablissement AS dimension
    FROM publications p
    JOIN etablissements_hal() e ON list_contains(p.structures, e.struct_id)
    UNION ALL
    SELECT docid, periode, ouvert, 'Ensemble' FROM publications
)
SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle, periode, dimension,
       CAST(count(*) FILTER (WHERE ouvert) AS DOUBLE) / count(*) AS valeur,
       CAST(count(*) FILTER (WHERE ouvert) AS BIGINT) AS numerateur,
       CAST(count(*) AS BIGINT) AS denominateur
FROM par_etablissement
GROUP BY ALL
ORDER BY niveau, code, periode, dimension
