-- Search functions plan each call for its own arguments. PL/pgSQL keeps a query's plan per
-- connection and, after five calls, may switch to a generic plan made without the arguments'
-- values: for cellar_search_ranked that plan cannot tell whether there are tag filters
-- (`cardinality(p_tags) = 0 OR ...`), so it stops using the tag index and filters row by row,
-- and a tag-filtered search went from 8 to 22 ms from the sixth call on (bench/search).
-- Planning each call costs well under a millisecond.
ALTER FUNCTION cellar_search_ranked(tsquery, text[], int, int, int) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION cellar_suggest_titles(tsquery, int, int) SET plan_cache_mode = force_custom_plan;
