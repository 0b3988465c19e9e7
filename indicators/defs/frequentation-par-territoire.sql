-- Visits declared by the places, per place, EPCI, département and
-- région, per month, quarter and year: sums of the published months (the
-- latest declaration of each place and month).
WITH mois AS (
    SELECT f.id, f.nom, f.mois, f.visites, f.ateliers,
           c.siren_epci, c.nom_epci, c.code_departement, c.nom_departement
    FROM frequentation_lieux_mediation f
    LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = f.code_insee
),
periodes AS (
    SELECT *, mois AS periode FROM mois
    UNION ALL
    SELECT *, substr(mois, 1, 4) || '-T' || CAST((CAST(substr(mois, 6, 2) AS INTEGER) + 2) // 3 AS VARCHAR) FROM mois
    UNION ALL
    SELECT *, substr(mois, 1, 4) FROM mois
),
sommes AS (
    SELECT 'lieu' AS niveau, id AS code, coalesce(max(nom), id) AS libelle, periode,
           sum(visites) AS valeur, sum(ateliers) AS ateliers, count(DISTINCT id) AS lieux_declarants
    FROM periodes GROUP BY id, periode
    UNION ALL
    SELECT 'epci', siren_epci, nom_epci, periode, sum(visites), sum(ateliers), count(DISTINCT id)
    FROM periodes WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, nom_departement, periode, sum(visites), sum(ateliers), count(DISTINCT id)
    FROM periodes WHERE code_departement IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'region', '52', 'Pays de la Loire', periode, sum(visites), sum(ateliers), count(DISTINCT id)
    FROM periodes GROUP BY ALL
)
SELECT niveau, code, libelle, periode,
       CAST(valeur AS DOUBLE) AS valeur, CAST(ateliers AS BIGINT) AS ateliers,
       CAST(lieux_declarants AS BIGINT) AS lieux_declarants
FROM sommes
ORDER BY niveau, code, periode
