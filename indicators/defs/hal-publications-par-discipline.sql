-- HAL publications per publication year and discipline (the top-level HAL
-- domain of the deposit's main domain), with how many are in open access.
-- Every deposit of the year counts once in "Ensemble"; a deposit without a
-- domain counts under "Discipline non renseignée".
WITH publications AS (
    SELECT docid, CAST(publication_year AS VARCHAR) AS periode,
           coalesce(nullif(trim(discipline), ''), nullif(trim(discipline_code), ''),
                    'Discipline non renseignée') AS discipline,
           coalesce(open_access, false) AS ouvert
    FROM hal_publications
    WHERE publication_year IS NOT NULL
),
par_discipline AS (
    SELECT docid, periode, ouvert, discipline AS dimension FROM publications
    UNION ALL
    SELECT docid, periode, ouvert, 'Ensemble' FROM publications
)
SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle, periode, dimension,
       CAST(count(*) AS DOUBLE) AS valeur,
       CAST(count(*) FILTER (WHERE ouvert) AS BIGINT) AS en_acces_ouvert,
       CAST(count(*) FILTER (WHERE ouvert) AS DOUBLE) / count(*) AS part_acces_ouvert
FROM par_discipline
GROUP BY ALL
ORDER BY niveau, code, periode, dimension
