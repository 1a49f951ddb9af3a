import Link from "@/components/link";
import type { TListQuery } from "@/lib/tags/parse-list-query";
import { languageLabel } from "@/lib/snippets/kernel";
import { TagInput } from "./tag-input";
import "./tags.css";

type Props = {
  /** The page the form submits to (a plain GET: it works without JavaScript). */
  action: string;
  query: TListQuery;
  languages: readonly { language: string; count: number }[];
};

/** Filters of a snippet list: more tags, author, language, has interacts. The sort stays as it is. */
export function SnippetFilters({ action, query, languages }: Props) {
  const filtered = Boolean(query.also || query.author || query.language || query.interacts);
  return (
    <form method="get" action={action} className="card snippet-filters" aria-label="Filters">
      <fieldset className="snippet-filters snippet-filters__set">
        <legend>Filter</legend>
        {query.sort !== "newest" ? <input type="hidden" name="sort" value={query.sort} /> : null}
        <div className="field">
          <label htmlFor="filter-also">Also tagged</label>
          <TagInput id="filter-also" name="also" defaultValue={query.also} placeholder="numerics, ode" />
        </div>
        <div className="field">
          <label htmlFor="filter-author">Author</label>
          <input id="filter-author" name="author" defaultValue={query.author} placeholder="username" autoCapitalize="none" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor="filter-language">Language</label>
          <select id="filter-language" name="language" defaultValue={query.language}>
            <option value="">Any</option>
            {languages.map((l) => (
              <option key={l.language} value={l.language}>
                {languageLabel(l.language)} ({l.count})
              </option>
            ))}
            {query.language && !languages.some((l) => l.language === query.language) ? (
              <option value={query.language}>{languageLabel(query.language)}</option>
            ) : null}
          </select>
        </div>
        <label className="snippet-filters__check">
          <input type="checkbox" name="interacts" value="1" defaultChecked={query.interacts} /> Has interacts
        </label>
        <div className="snippet-filters__actions">
          <button type="submit" className="button button-primary">
            Apply
          </button>
          {filtered ? <Link href={query.sort !== "newest" ? `${action}?sort=${query.sort}` : action}>Clear filters</Link> : null}
        </div>
      </fieldset>
    </form>
  );
}
