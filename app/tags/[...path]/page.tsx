import type { Metadata } from "next";
import Link from "@/components/link";
import { notFound, redirect } from "next/navigation";
import { Pagination } from "@/components/pagination";
import { SnippetCards } from "@/components/snippet-cards";
import { SnippetFilters } from "@/components/tags/snippet-filters";
import { TagChips } from "@/components/tags/tag-chips";
import { listSnippets } from "@/lib/snippets/list-snippets";
import { buildTagTree } from "@/lib/tags/build-tag-tree";
import { cachedTagCounts } from "@/lib/tags/cached-tag-counts";
import { listLanguages } from "@/lib/tags/list-languages";
import { TAG_PAGE_SORTS, listQueryHref, parseListQuery } from "@/lib/tags/parse-list-query";
import { normaliseTag, tagAncestors, tagHref, tagLeaf } from "@/lib/tags/tag-path";

type Props = {
  params: Promise<{ path: string[] }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Tag ${(await params).path.join("/")}` };
}

/**
 * One tag: its snippets and those of every tag below it, its child tags with counts, and
 * filters and sorts that combine. A path that is no tag of any public snippet is a 404; a path
 * typed in another form ("Linear Algebra") goes to its canonical address.
 */
export default async function TagPage({ params, searchParams }: Props) {
  const typed = (await params).path.join("/");
  const path = normaliseTag(typed);
  if (!path) notFound();
  const search = await searchParams;
  if (path !== typed) {
    const q = new URLSearchParams(Object.entries(search).flatMap(([k, v]) => (v === undefined ? [] : [v].flat().map((x): [string, string] => [k, x]))));
    redirect(`${tagHref(path)}${q.size > 0 ? `?${q}` : ""}`);
  }
  const base = tagHref(path);
  const { query, options, rejected } = parseListQuery(search);
  const [counts, list, languages] = await Promise.all([
    cachedTagCounts(path),
    listSnippets({ ...options, tags: [path, ...(options.tags ?? [])] }),
    listLanguages(),
  ]);
  const total = counts.get(path);
  if (total === undefined) notFound();
  const children = buildTagTree(counts, path).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  const ancestors = tagAncestors(path).slice(0, -1);
  const filtered = Boolean(query.also || query.author || query.language || query.interacts);

  return (
    <div className="tag-page">
      <nav aria-label="Breadcrumbs" className="breadcrumbs">
        <ol>
          <li>
            <Link href="/tags">Tags</Link>
          </li>
          {ancestors.map((a) => (
            <li key={a}>
              <Link href={tagHref(a)}>{tagLeaf(a)}</Link>
            </li>
          ))}
          <li aria-current="page">{tagLeaf(path)}</li>
        </ol>
      </nav>
      <header className="page-header">
        <h1>{path}</h1>
        <p className="muted">
          {total} {total === 1 ? "snippet" : "snippets"} under this tag{children.length > 0 ? " and the tags below it" : ""}
        </p>
      </header>

      {children.length > 0 ? (
        <section className="tag-page__children" aria-labelledby="children-title">
          <h2 id="children-title">Tags under {tagLeaf(path)}</h2>
          <TagChips tags={children} label={`Tags under ${path}`} leaf />
        </section>
      ) : null}

      <div className="tag-page__layout">
        <SnippetFilters action={base} query={query} languages={languages} />
        <section aria-labelledby="list-title">
          <div className="section-head">
            <h2 id="list-title">{filtered ? "Matching snippets" : "Snippets"}</h2>
            <nav className="sort" aria-label="Sort">
              {TAG_PAGE_SORTS.map((s) => (
                <Link key={s.key} href={listQueryHref(base, query, { sort: s.key, page: 1 })} aria-current={query.sort === s.key ? "page" : undefined}>
                  {s.label}
                </Link>
              ))}
            </nav>
          </div>
          {rejected.length > 0 ? (
            <p className="flash flash-error" role="alert">
              Left out of the filter, as {rejected.length === 1 ? "it is not a tag" : "they are not tags"}: {rejected.map((r) => `“${r}”`).join(", ")}. Tags
              look like calculus/derivatives.
            </p>
          ) : null}
          {list.items.length === 0 ? (
            <p className="muted">
              {query.page > 1 ? "No snippets on this page." : "No snippets match these filters."}{" "}
              {filtered ? (
                <Link href={listQueryHref(base, { ...query, also: "", author: "", language: "", interacts: false, page: 1 })}>Clear filters</Link>
              ) : null}
            </p>
          ) : (
            <SnippetCards snippets={list.items} />
          )}
          <Pagination page={list.page} hasNext={list.hasNext} hrefFor={(n) => listQueryHref(base, query, { page: n })} />
        </section>
      </div>
    </div>
  );
}
