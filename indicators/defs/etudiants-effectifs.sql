-- Students enrolled in higher education per academic year, per commune of
-- study, EPCI, département and région, by type of institution
-- (regroupement; the source's TOTAL row is "Ensemble"). Only the source's
-- commune-level rows are read, summed over both sexes, then added up through
-- the reference table of communes (territoires_englobants(), from the
-- prelude).
WITH effectifs AS (
    SELECT e.annee_universitaire AS periode, e.geo_id AS code_insee,
           libelle_regroupement(e.regroupement) AS dimension, e.effectif
    FROM esr_effectifs_etudiants e
    WHERE e.niveau_geographique = 'Commune' AND e.effectif IS NOT NULL
)
SELECT t.niveau, t.code, t.libelle, f.periode, f.dimension, CAST(sum(f.effectif) AS DOUBLE) AS valeur
FROM effectifs f
JOIN territoires_englobants() t ON t.code_insee = f.code_insee
GROUP BY ALL
ORDER BY niveau, code, periode, dimension
