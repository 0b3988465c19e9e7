-- Share of places of digital inclusion offering each service of the national
-- schema (services, values separated by "|"), per département and région,
-- over the consolidated table of places (one row a place, a place of both
-- the national export and PiNG's map counted once, with the export's
-- services, PiNG's when the export gives none).
-- The denominator is the places that declare at least one service; the
-- nine services of the schema are always listed, so a service nobody offers
-- reads 0. Places without a commune of the region count at the regional
-- level only.
WITH services(service) AS (
    VALUES ('Aide aux démarches administratives'),
           ('Maîtrise des outils numériques du quotidien'),
           ('Insertion professionnelle via le numérique'),
           ('Utilisation sécurisée du numérique'),
           ('Parentalité et éducation avec le numérique'),
           ('Loisirs et créations numériques'),
           ('Compréhension du monde numérique'),
           ('Accès internet et matériel informatique'),
           ('Acquisition de matériel informatique à prix solidaire')
),
lieux AS (
    SELECT l.dimension AS id, c.code_insee,
           list_transform(string_split(l.services, '|'), s -> trim(s)) AS offerts
    FROM lieux_mediation_numerique_consolides l
    LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = l.code
    WHERE nullif(trim(l.services), '') IS NOT NULL
),
territoires AS (
    SELECT t.niveau, t.code, t.libelle, l.id, l.offerts
    FROM lieux l
    JOIN territoires_englobants() t ON t.code_insee IS NOT DISTINCT FROM l.code_insee
    WHERE t.niveau IN ('departement', 'region')
),
parts AS (
    SELECT t.niveau, t.code, t.libelle, s.service AS dimension,
           count(DISTINCT t.id) FILTER (WHERE list_contains(t.offerts, s.service)) AS numerateur,
           count(DISTINCT t.id) AS denominateur
    FROM territoires t CROSS JOIN services s
    GROUP BY ALL
)
SELECT niveau, code, libelle, dimension,
       CAST(numerateur AS DOUBLE) / denominateur AS valeur,
       CAST(numerateur AS BIGINT) AS numerateur,
       CAST(denominateur AS BIGINT) AS denominateur
FROM parts
ORDER BY niveau, code, dimension
