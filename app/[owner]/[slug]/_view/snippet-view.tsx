import Link from "@/components/link";
import { Markdown } from "@/components/markdown";
import { CopyButton } from "@/components/copy-button";
import { CloneUrl } from "@/components/clone-url";
import { SnippetActions } from "@/components/forms/snippet-actions";
import { formatDateTime } from "@/lib/render/format";
import type { TSnippetAtRevision } from "@/lib/snippets/get-snippet";
import type { TRevision } from "@/lib/snippets/list-revisions";
import { CreditLines } from "@/components/activity/credit-lines";
import { NetworkActivity } from "@/components/activity/network-activity";
import { publicOrigin } from "@/lib/env";
import { RunButton } from "@/components/run/run-button";
import { RunProvider } from "@/components/run/run-context";
import { PrecomputeButton } from "@/components/run/precompute-button";
import { PrecomputedRunProvider } from "@/components/run/static-run";
import { getStaticRun } from "@/lib/interacts/get-static-run";
import { RunPanel } from "@/components/run/run-panel";
import { SnippetFiles } from "./snippet-files";
import { SnippetTabs } from "./snippet-tabs";
import { TagPathList } from "@/components/tags/tag-path-links";
import { SnippetMeta } from "@/components/community/snippet-meta";
import { SnippetRelated } from "@/components/community/snippet-related";
import { SnippetComments } from "@/components/comments/snippet-comments";
import { kernelLabel } from "@/lib/snippets/kernel";
import { SharedValuesPanel } from "@/components/shared/shared-values-panel";

/**
 * A snippet at one revision: title, blurb, credits, every file highlighted, and the links
 * (raw, ZIP, history, forks, permalink). Shared by the latest view and the permalink view.
 */
export async function SnippetView({ data, revisions, pinned }: { data: TSnippetAtRevision; revisions: TRevision[]; pinned: boolean }) {
  const { snippet, rev, isHead } = data;
  const base = `/${snippet.owner}/${snippet.slug}`;
  const current = revisions.find((r) => r.oid === rev);
  const permalink = `${base}/rev/${rev}`;
  const target = { owner: snippet.owner, slug: snippet.slug, rev: pinned ? rev : null };
  // The owner's precomputed interacts of this revision, played without a session (static-run.tsx).
  const staticRun = await getStaticRun({ owner: snippet.owner, slug: snippet.slug, rev });
  // Only code that mentions interacts offers its owner "Precompute interacts".
  const hasInteract = staticRun !== null || data.files.some((f) => f.text !== null && /\binteract/.test(f.text));
  const runArea = (
    <>
      <nav className="snippet-bar" aria-label="Snippet">
        <SnippetTabs base={base} active="code" forkCount={snippet.forkCount} revisionCount={revisions.length} />
        <div className="snippet-bar-actions">
          <RunButton />
          {hasInteract ? <PrecomputeButton owner={snippet.owner} slug={snippet.slug} rev={rev} present={staticRun !== null} /> : null}
          <span className="run-kernel" title={snippet.kernelChoice === "auto" ? "From the main file" : "Chosen by the owner"}>
            Runs in {kernelLabel(snippet.kernel)}
          </span>
          <span className="rev-id" title={rev}>
            Revision{" "}
            <Link href={permalink}>
              <code>{rev.slice(0, 7)}</code>
            </Link>
          </span>
          <CopyButton text={publicOrigin() + permalink} label="Copy permalink" />
          <a className="button" href={`${base}/archive/${rev}.zip`} download>
            Download ZIP
          </a>
          <a className="button" href={`${base}/notebook/${rev}.ipynb`} download>
            Download notebook
          </a>
        </div>
      </nav>
      <CloneUrl url={`${publicOrigin()}${base}.git`} />
      <RunPanel />
    </>
  );

  return (
    <article className="snippet">
      <header className="snippet-head">
        <p className="snippet-path">
          <Link href={`/${snippet.owner}`}>{snippet.owner}</Link> / <Link href={base}>{snippet.slug}</Link>
          {snippet.visibility === "unlisted" ? <span className="badge">Unlisted</span> : null}
        </p>
        <h1>{snippet.title}</h1>
        <p className="credits">
          <CreditLines owner={snippet.owner} slug={snippet.slug} />
          {snippet.forkedFrom ? (
            <>
              {" · forked from "}
              {snippet.forkedFrom.deleted ? (
                <span>
                  {snippet.forkedFrom.owner}/{snippet.forkedFrom.slug} (deleted)
                </span>
              ) : (
                <Link href={`/${snippet.forkedFrom.owner}/${snippet.forkedFrom.slug}`}>
                  {snippet.forkedFrom.owner}/{snippet.forkedFrom.slug}
                </Link>
              )}
            </>
          ) : null}
        </p>
        <TagPathList tags={snippet.tags} />
        <SnippetMeta snippet={snippet} />
        <SnippetActions owner={snippet.owner} slug={snippet.slug} />
      </header>

      {pinned ? (
        <p className={isHead ? "notice" : "notice notice-old"} role="status">
          {isHead ? "This is the latest revision" : "You are viewing an older revision"}
          {current ? (
            <>
              {": "}
              <strong>{current.message}</strong> by {current.author.username ?? current.author.name} on{" "}
              <time dateTime={current.date.toISOString()}>{formatDateTime(current.date)}</time>
            </>
          ) : null}
          . {isHead ? null : <Link href={base}>See the latest</Link>}
        </p>
      ) : null}

      {snippet.description ? <Markdown source={snippet.description} /> : null}

      {/* Run is client-side (needs JavaScript); the cached page is the same for every visitor. */}
      {staticRun ? (
        <PrecomputedRunProvider target={target} oid={rev} data={{ rev, cell: staticRun.cell, messages: staticRun.messages, interacts: staticRun.interacts }}>
          {runArea}
        </PrecomputedRunProvider>
      ) : (
        <RunProvider target={target} oid={rev}>
          {runArea}
        </RunProvider>
      )}
      <SharedValuesPanel owner={snippet.owner} slug={snippet.slug} />

      <SnippetFiles data={data} full />
      <SnippetComments owner={snippet.owner} slug={snippet.slug} rev={rev} />
      <SnippetRelated snippet={snippet} />
      <NetworkActivity owner={snippet.owner} slug={snippet.slug} />
    </article>
  );
}
