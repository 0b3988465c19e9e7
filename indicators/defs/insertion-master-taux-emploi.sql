-- Employment rate of master's graduates 30 months after graduation, per
-- graduation year and university of the académie de Nantes (dimension; the
-- académie's universities together are "Ensemble"), against the national
-- rate of the same year (reference). A rate is the mean of the detailed
-- disciplines' rates (the domain aggregates "Ensemble …" are left out),
-- weighted by their number of answers; disciplines whose rate is secret or
-- not significant (empty) are left out. The national rows of the survey are
-- those of perimetre 'national' (UAI UNIV, all universities).
WITH lignes AS (
    SELECT annee, numero_de_l_etablissement AS uai,
           perimetre = 'national' AS nationale,
           nombre_de_reponses AS reponses, taux_dinsertion / 100.0 AS taux
    FROM esr_insertion_professionnelle_master
    WHERE situation = '30 mois après le diplôme'
      AND taux_dinsertion IS NOT NULL AND nombre_de_reponses > 0
      AND discipline NOT LIKE 'Ensemble%'
),
-- One name per university: its current name when the survey gives one.
noms AS (
    SELECT numero_de_l_etablissement AS uai, max(etablissementactuel) AS nom_actuel,
           max(etablissement) AS nom
    FROM esr_insertion_professionnelle_master
    GROUP BY ALL
),
taux AS (
    SELECT l.annee, coalesce(n.nom_actuel, n.nom) AS dimension,
           sum(l.taux * l.reponses) / sum(l.reponses) AS valeur, sum(l.reponses) AS reponses
    FROM lignes l JOIN noms n ON n.uai = l.uai
    WHERE NOT l.nationale
    GROUP BY ALL
    UNION ALL
    SELECT annee, 'Ensemble', sum(taux * reponses) / sum(reponses), sum(reponses)
    FROM lignes WHERE NOT nationale
    GROUP BY ALL
),
national AS (
    SELECT annee, sum(taux * reponses) / sum(reponses) AS reference
    FROM lignes WHERE nationale
    GROUP BY ALL
)
SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle,
       CAST(t.annee AS VARCHAR) AS periode, t.dimension,
       CAST(t.valeur AS DOUBLE) AS valeur,
       CAST(t.reponses AS BIGINT) AS reponses,
       CAST(n.reference AS DOUBLE) AS reference
FROM taux t
LEFT JOIN national n ON n.annee = t.annee
ORDER BY niveau, code, periode, dimension
