-- Year-on-year change of the number of students, per EPCI, département and
-- région, by type of institution, at constant scope: a commune and type of
-- institution counts for a year only when its headcount is complete (a row
-- for every sex the release knows) in that year and in the year before, so a
-- row rejected by validation does not read as a fall or a rise.
-- valeur = effectif / effectif_annee_precedente - 1.
WITH sexes AS (SELECT count(DISTINCT sexe_de_l_etudiant) AS n FROM esr_effectifs_etudiants),
cellules AS (
    SELECT e.geo_id, e.rentree, e.annee_universitaire, e.regroupement, sum(e.effectif) AS effectif
    FROM esr_effectifs_etudiants e
    WHERE e.niveau_geographique = 'Commune' AND e.effectif IS NOT NULL
    GROUP BY ALL
    HAVING count(DISTINCT e.sexe_de_l_etudiant) = (SELECT n FROM sexes)
),
paires AS (
    SELECT n.geo_id AS code_insee, n.annee_universitaire AS periode,
           libelle_regroupement(n.regroupement) AS dimension,
           n.effectif, p.effectif AS precedent
    FROM cellules n
    JOIN cellules p ON p.geo_id = n.geo_id AND p.regroupement = n.regroupement
                   AND p.rentree = n.rentree - 1
),
sommes AS (
    SELECT t.niveau, t.code, t.libelle, s.periode, s.dimension,
           sum(s.effectif) AS effectif, sum(s.precedent) AS precedent
    FROM paires s
    JOIN territoires_englobants() t ON t.code_insee = s.code_insee
    WHERE t.niveau <> 'commune'
    GROUP BY ALL
)
SELECT niveau, code, libelle, periode, dimension,
       CAST(effectif AS DOUBLE) / precedent - 1 AS valeur,
       CAST(effectif AS BIGINT) AS effectif,
       CAST(precedent AS BIGINT) AS effectif_annee_precedente
FROM sommes
WHERE precedent > 0
ORDER BY niveau, code, periode, dimension
