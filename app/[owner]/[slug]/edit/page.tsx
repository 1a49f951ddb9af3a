import type { Metadata } from "next";
import Link from "@/components/link";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { listRelated } from "@/lib/snippets/related";
import { licenseLockReason } from "@/lib/snippets/licenses";
import { SnippetForm } from "@/components/forms/snippet-form";
import { updateSnippetAction } from "../actions";
import { orNotFound } from "../_view/load";

type Props = { params: Promise<{ owner: string; slug: string }>; searchParams: Promise<{ error?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `Edit ${p.owner}/${p.slug}` };
}

/** The owner's edit page: a new revision on top of the head shown here (its oid travels as `base`). */
export default async function EditSnippetPage({ params, searchParams }: Props) {
  const p = await params;
  const owner = p.owner;
  const slug = p.slug;
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/${owner}/${slug}/edit`)}`);
  const data = await orNotFound(() => getSnippet({ owner, slug }));
  const { snippet } = data;
  const base = `/${snippet.owner}/${snippet.slug}`;
  if (snippet.owner !== user.username) {
    return (
      <div className="page-narrow">
        <h1>You can't edit this snippet</h1>
        <p>
          Only {snippet.owner} can edit <Link href={base}>{snippet.title}</Link>. Fork it to make your own version.
        </p>
      </div>
    );
  }
  const error = (await searchParams).error;
  const related = await listRelated({ owner, slug });
  return (
    <div className="page-narrow">
      <p className="snippet-path">
        <Link href={`/${snippet.owner}`}>{snippet.owner}</Link> / <Link href={base}>{snippet.slug}</Link>
      </p>
      <h1>Edit snippet</h1>
      {error ? (
        <p className="flash flash-error" role="alert">
          {error}
        </p>
      ) : null}
      <SnippetForm
        action={updateSnippetAction}
        submitLabel="Save revision"
        askMessage
        hidden={{ owner: snippet.owner, slug: snippet.slug, base: data.head }}
        initial={{
          title: snippet.title,
          description: snippet.description,
          tags: snippet.tags.join(", "),
          visibility: snippet.visibility,
          message: "",
          license: snippet.license.id,
          kernel: snippet.kernelChoice,
          licenseLocked: licenseLockReason(snippet),
          relatedSnippets: related.map((r) => `${r.owner}/${r.slug}`).join("\n"),
          relatedTags: snippet.relatedTags.join(", "),
          files: data.files.map((f) => (f.text === null ? { path: f.path, content: "", binary: true } : { path: f.path, content: f.text })),
        }}
      />
      <section className="danger-zone" aria-labelledby="danger">
        <h2 id="danger">Delete this snippet</h2>
        <p>Its history goes with it. Forks others made stay theirs.</p>
        <Link className="button button-danger" href={`${base}/delete`}>
          Delete…
        </Link>
      </section>
    </div>
  );
}
