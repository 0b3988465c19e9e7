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
    SELECT c.code_insee, c.nom, c.siren_epci, c.nom_epci, c.code_departement, c.nom_departement,
           n.annee_universitaire AS periode,
           CASE n.regroupement
               WHEN 'TOTAL' THEN 'Ensemble'
               WHEN 'UNIV' THEN 'Universités'
               WHEN 'STS' THEN 'Sections de techniciens supérieurs'
               WHEN 'CPGE' THEN 'Classes préparatoires aux grandes écoles'
               WHEN 'ING' THEN 'Formations d''ingénieurs'
               WHEN 'EC_COM' THEN 'Écoles de commerce, gestion et comptabilité'
               WHEN 'IUT' THEN 'Instituts universitaires de technologie'
               ELSE n.regroupement
           END AS dimension,
           n.effectif, p.effectif AS precedent
    FROM cellules n
    JOIN cellules p ON p.geo_id = n.geo_id AND p.regroupement = n.regroupement
                   AND p.rentree = n.rentree - 1
    JOIN communes_pays_de_la_loire c ON c.code_insee = n.geo_id
),
sommes AS (
    SELECT 'epci' AS niveau, siren_epci AS code, nom_epci AS libelle, periode, dimension,
           sum(effectif) AS effectif, sum(precedent) AS precedent
    FROM paires WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, nom_departement, periode, dimension,
           sum(effectif), sum(precedent)
    FROM paires GROUP BY ALL
    UNION ALL
    SELECT 'region', '52', 'Pays de la Loire', periode, dimension, sum(effectif), sum(precedent)
    FROM paires GROUP BY ALL
)
SELECT niveau, code, libelle, periode, dimension,
       CAST(effectif AS DOUBLE) / precedent - 1 AS valeur,
       CAST(effectif AS BIGINT) AS effectif,
       CAST(precedent AS BIGINT) AS effectif_annee_precedente
FROM sommes
WHERE precedent > 0
ORDER BY niveau, code, periode, dimension
