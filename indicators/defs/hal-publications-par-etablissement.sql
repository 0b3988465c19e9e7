-- HAL publications per publication year and institution. The institutions
-- are the HAL structures the harvest asks for (pipelines/hal-publications.yaml);
-- HAL indexes a document under the parents of its laboratories, so a
-- document counts for every listed institution among its structures, and
-- once in "Ensemble" (every document of the release for that year).
-- Université de Nantes (until 2021) and Nantes Université (since 2022) are
-- one institution here.
WITH etablissements(struct_id, etablissement) AS (
    VALUES (1100589, 'Nantes Université'),
           (93263, 'Nantes Université'),
           (24140, 'Université d''Angers'),
           (301088, 'Le Mans Université'),
           (1041, 'École Centrale de Nantes'),
           (481355, 'IMT Atlantique'),
           (301215, 'Oniris')
),
publications AS (
    SELECT docid, CAST(publication_year AS VARCHAR) AS periode,
           coalesce(CAST(json_extract(structures, '$[*]') AS BIGINT[]), []) AS structures
    FROM hal_publications
    WHERE publication_year IS NOT NULL
),
par_etablissement AS (
    SELECT DISTINCT p.docid, p.periode, e.etablissement AS dimension
    FROM publications p
    JOIN etablissements e ON list_contains(p.structures, e.struct_id)
    UNION ALL
    SELECT docid, periode, 'Ensemble' FROM publications
)
SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle, periode, dimension,
       CAST(count(*) AS DOUBLE) AS valeur
FROM par_etablissement
GROUP BY ALL
ORDER BY niveau, code, periode, dimension
