-- Search index, fourth step: typo candidates by deletion neighbourhoods (measured with
-- bench/search on a 264,594-word vocabulary). Trigram similarity found a mistyped word's
-- neighbours in 1-35 ms, slowest for short words made of common pieces ("vajness" shares
-- "nes", "ess", "ss " with every word ending in -ness), and could miss the word one edit away
-- among 20 candidates that merely looked alike. Two words are at most one edit apart (a letter
-- dropped, added, replaced, or two swapped) only if the words or their one-letter deletions
-- meet, so each word keeps hashes of itself and of its deletions, and a typo's own list finds
-- its neighbours through a GIN index in under a millisecond (lib/search/postgres-engine.ts).

-- FNV-1a (32 bits, signed) of the text's UTF-8 bytes: the same function as wordDeletes in
-- lib/search/words.ts, which computes the lists the site writes; this one fills the rows
-- already indexed, and lets a test check that both agree.
CREATE FUNCTION cellar_fnv1a(p_text text) RETURNS int4
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
DECLARE
  b bytea := convert_to(p_text, 'UTF8');
  h bigint := 2166136261;
BEGIN
  FOR i IN 0 .. length(b) - 1 LOOP
    h := ((h # get_byte(b, i)) * 16777619) % 4294967296;
  END LOOP;
  RETURN (CASE WHEN h >= 2147483648 THEN h - 4294967296 ELSE h END)::int4;
END
$fn$;

-- The hashes of the word and of each of its one-letter deletions, without repeats, ascending.
CREATE FUNCTION cellar_word_deletes(p_word text) RETURNS int4[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
  SELECT array_agg(DISTINCT h ORDER BY h) FROM (
    SELECT cellar_fnv1a(p_word) AS h
    UNION ALL
    SELECT cellar_fnv1a(overlay(p_word PLACING '' FROM i FOR 1)) FROM generate_series(1, length(p_word)) AS i
  ) x
$fn$;

ALTER TABLE "SearchWord" ADD COLUMN "deletes" INT4[] NOT NULL DEFAULT '{}';
UPDATE "SearchWord" SET "deletes" = cellar_word_deletes(word);
CREATE INDEX "SearchWord_deletes_idx" ON "SearchWord" USING GIN ("deletes") WITH (fastupdate = off);
