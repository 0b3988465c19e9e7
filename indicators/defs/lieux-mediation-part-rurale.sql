-- Share of places of digital inclusion located in a rural commune (as the
-- reference table of communes classes them), by type, per EPCI, département
-- and région. Only places whose commune is known count: the denominator is
-- the places with a commune of the region, the numerator those of them in a
-- rural commune. A place of several types counts in each of them.
WITH lieux AS (
    SELECT l.id, c.siren_epci, c.nom_epci, c.code_departement, c.nom_departement,
           c.rural,
           string_split(coalesce(nullif(trim(l.typologie), ''), '?'), '|') AS types
    FROM lieux_mediation_numerique_pdl l
    JOIN communes_pays_de_la_loire c ON c.code_insee = l.code_insee
),
par_type AS (
    SELECT id, siren_epci, nom_epci, code_departement, nom_departement, rural,
           CASE trim(t)
               WHEN 'EPN' THEN 'Espace public numérique'
               WHEN 'FABLAB' THEN 'Fablab'
               WHEN 'TIERS_LIEUX' THEN 'Tiers-lieu'
               WHEN 'BIB' THEN 'Bibliothèque, médiathèque'
               WHEN 'ASSO' THEN 'Association'
               WHEN 'CCAS' THEN 'Centre communal d''action sociale'
               WHEN 'CIAS' THEN 'Centre intercommunal d''action sociale'
               WHEN 'MUNI' THEN 'Mairie'
               WHEN 'MQ' THEN 'Maison de quartier'
               WHEN 'MJC' THEN 'Maison des jeunes et de la culture'
               WHEN 'MDS' THEN 'Maison départementale des solidarités'
               WHEN 'CS' THEN 'Centre social'
               WHEN 'PIMMS' THEN 'Point information médiation multi-services'
               WHEN 'RESSOURCERIE' THEN 'Ressourcerie'
               WHEN '?' THEN 'Type non renseigné'
               ELSE trim(t)
           END AS dimension
    FROM (SELECT *, unnest(types) AS t FROM lieux)
    UNION ALL
    SELECT id, siren_epci, nom_epci, code_departement, nom_departement, rural, 'Ensemble'
    FROM lieux
),
parts AS (
    SELECT 'epci' AS niveau, siren_epci AS code, nom_epci AS libelle, dimension,
           count(DISTINCT id) FILTER (WHERE rural) AS numerateur,
           count(DISTINCT id) AS denominateur
    FROM par_type WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, nom_departement, dimension,
           count(DISTINCT id) FILTER (WHERE rural), count(DISTINCT id)
    FROM par_type GROUP BY ALL
    UNION ALL
    SELECT 'region', '52', 'Pays de la Loire', dimension,
           count(DISTINCT id) FILTER (WHERE rural), count(DISTINCT id)
    FROM par_type GROUP BY ALL
)
SELECT niveau, code, libelle, dimension,
       CAST(numerateur AS DOUBLE) / denominateur AS valeur,
       CAST(numerateur AS BIGINT) AS numerateur,
       CAST(denominateur AS BIGINT) AS denominateur
FROM parts
ORDER BY niveau, code, dimension
