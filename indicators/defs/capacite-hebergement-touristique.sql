-- Declared accommodation capacity (number of people) of e-SPRIT accommodation
-- offers, by type of accommodation, per EPCI, département and région. An
-- offer without a declared capacity counts in "offres" but adds nothing to
-- the capacity; "offres_avec_capacite" says how many offers the sum covers.
WITH hebergements AS (
    SELECT o.id, o.capacite, c.siren_epci, c.nom_epci,
           coalesce(c.code_departement, d.code_departement) AS code_departement,
           coalesce(c.nom_departement, d.nom_departement) AS nom_departement,
           coalesce(nullif(trim(o.type), ''), 'Type non renseigné') AS type
    FROM esprit_offres_touristiques o
    LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = o.code_insee
    LEFT JOIN (SELECT DISTINCT code_departement, nom_departement FROM communes_pays_de_la_loire) d
           ON d.nom_departement = o.departement
    WHERE o.categorie = 'hébergement'
),
par_type AS (
    SELECT id, capacite, siren_epci, nom_epci, code_departement, nom_departement, type AS dimension
    FROM hebergements
    UNION ALL
    SELECT id, capacite, siren_epci, nom_epci, code_departement, nom_departement, 'Ensemble'
    FROM hebergements
),
capacites AS (
    SELECT 'epci' AS niveau, siren_epci AS code, nom_epci AS libelle, dimension,
           sum(capacite) AS capacite, count(*) AS offres, count(capacite) AS offres_avec_capacite
    FROM par_type WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, nom_departement, dimension,
           sum(capacite), count(*), count(capacite)
    FROM par_type WHERE code_departement IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'region', '52', 'Pays de la Loire', dimension,
           sum(capacite), count(*), count(capacite)
    FROM par_type GROUP BY ALL
)
SELECT niveau, code, libelle, dimension,
       CAST(coalesce(capacite, 0) AS DOUBLE) AS valeur,
       CAST(offres AS BIGINT) AS offres,
       CAST(offres_avec_capacite AS BIGINT) AS offres_avec_capacite
FROM capacites
ORDER BY niveau, code, dimension
