-- Students enrolled in higher education per academic year, per commune of
-- study, EPCI, département and région, by type of institution
-- (regroupement; the source's TOTAL row is "Ensemble"). Only the source's
-- commune-level rows are read, summed over both sexes, then added up through
-- the reference table of communes.
WITH effectifs AS (
    SELECT e.annee_universitaire AS periode, c.code_insee, c.nom, c.siren_epci, c.nom_epci,
           c.code_departement, c.nom_departement,
           CASE e.regroupement
               WHEN 'TOTAL' THEN 'Ensemble'
               WHEN 'UNIV' THEN 'Universités'
               WHEN 'STS' THEN 'Sections de techniciens supérieurs'
               WHEN 'CPGE' THEN 'Classes préparatoires aux grandes écoles'
               WHEN 'ING' THEN 'Formations d''ingénieurs'
               WHEN 'EC_COM' THEN 'Écoles de commerce, gestion et comptabilité'
               WHEN 'IUT' THEN 'Instituts universitaires de technologie'
               ELSE e.regroupement
           END AS dimension,
           e.effectif
    FROM esr_effectifs_etudiants e
    JOIN communes_pays_de_la_loire c ON c.code_insee = e.geo_id
    WHERE e.niveau_geographique = 'Commune' AND e.effectif IS NOT NULL
)
SELECT niveau, code, libelle, periode, dimension, CAST(valeur AS DOUBLE) AS valeur
FROM (
    SELECT 'commune' AS niveau, code_insee AS code, nom AS libelle, periode, dimension,
           sum(effectif) AS valeur
    FROM effectifs GROUP BY ALL
    UNION ALL
    SELECT 'epci', siren_epci, nom_epci, periode, dimension, sum(effectif)
    FROM effectifs WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, nom_departement, periode, dimension, sum(effectif)
    FROM effectifs GROUP BY ALL
    UNION ALL
    SELECT 'region', '52', 'Pays de la Loire', periode, dimension, sum(effectif)
    FROM effectifs GROUP BY ALL
)
ORDER BY niveau, code, periode, dimension
