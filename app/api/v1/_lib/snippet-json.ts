import type { TSnippetSummary } from "@/lib/snippets/internal";
import { absoluteUrl } from "./urls";

/**
 * A snippet as the API shows it. Internal ids stay out (clients name snippets by owner/slug);
 * dates become ISO 8601 through JSON; `url` is the absolute address of its page.
 */
export function snippetJson(request: Request, s: TSnippetSummary) {
  return {
    owner: s.owner,
    ownerName: s.ownerName,
    slug: s.slug,
    title: s.title,
    description: s.description,
    visibility: s.visibility,
    tags: s.tags,
    head: s.head,
    mainFile: s.mainFile,
    kernel: s.kernel,
    kernelChoice: s.kernelChoice,
    forkedFrom: s.forkedFrom,
    forkCount: s.forkCount,
    license: s.license.id,
    hasInteracts: s.hasInteracts,
    language: s.language,
    rating: s.rating,
    viewCount: s.viewCount,
    runCount: s.runCount,
    thumbnailUrl: s.thumbnailUrl ? absoluteUrl(request, s.thumbnailUrl) : null,
    relatedTags: s.relatedTags,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    url: absoluteUrl(request, s.url),
  };
}

/** What create and fork answer: enough to address the new snippet and its first revision. */
export function createdJson(request: Request, created: { owner: string; slug: string; head: string; url: string }) {
  return { owner: created.owner, slug: created.slug, head: created.head, url: absoluteUrl(request, created.url) };
}
