-- Declared accommodation capacity (number of people) of e-SPRIT accommodation
-- offers (the motorhome areas, published apart under ODbL, included), by
-- type of accommodation, per EPCI, département and région. An
-- offer without a declared capacity counts in "offres" but adds nothing to
-- the capacity; "offres_avec_capacite" says how many offers the sum covers.
-- The rooms, pitches and dwellings some sources give instead are summed in
-- their own columns (empty when no offer of the cell gives them).
WITH hebergements AS (
    SELECT o.id, o.capacite, o.nombre_chambres, o.nombre_emplacements, o.nombre_logements, c.siren_epci, c.nom_epci,
           coalesce(c.code_departement, d.code_departement) AS code_departement,
           coalesce(c.nom_departement, d.nom_departement) AS nom_departement,
           coalesce(nullif(trim(o.type), ''), 'Type non renseigné') AS type
    FROM (SELECT * FROM esprit_offres_touristiques
          UNION ALL BY NAME
          SELECT * FROM esprit_aires_camping_car) o
    LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = o.code_insee
    LEFT JOIN (SELECT DISTINCT code_departement, nom_departement FROM communes_pays_de_la_loire) d
           ON d.nom_departement = o.departement
    WHERE o.categorie = 'hébergement'
),
par_type AS (
    SELECT *, type AS dimension FROM hebergements
    UNION ALL
    SELECT *, 'Ensemble' FROM hebergements
),
capacites AS (
    SELECT 'epci' AS niveau, siren_epci AS code, nom_epci AS libelle, dimension,
           sum(capacite) AS capacite, count(*) AS offres, count(capacite) AS offres_avec_capacite,
           sum(nombre_chambres) AS chambres, sum(nombre_emplacements) AS emplacements,
           sum(nombre_logements) AS logements
    FROM par_type WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, nom_departement, dimension,
           sum(capacite), count(*), count(capacite),
           sum(nombre_chambres), sum(nombre_emplacements), sum(nombre_logements)
    FROM par_type WHERE code_departement IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'region', '52', 'Pays de la Loire', dimension,
           sum(capacite), count(*), count(capacite),
           sum(nombre_chambres), sum(nombre_emplacements), sum(nombre_logements)
    FROM par_type GROUP BY ALL
)
SELECT niveau, code, libelle, dimension,
       CAST(coalesce(capacite, 0) AS DOUBLE) AS valeur,
       CAST(offres AS BIGINT) AS offres,
       CAST(offres_avec_capacite AS BIGINT) AS offres_avec_capacite,
       CAST(chambres AS BIGINT) AS chambres,
       CAST(emplacements AS BIGINT) AS emplacements,
       CAST(logements AS BIGINT) AS logements
FROM capacites
ORDER BY niveau, code, dimension
