import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { SnippetForm } from "@/components/forms/snippet-form";
import { NotebookImportForm } from "@/components/forms/notebook-import-form";
import { createSnippetAction } from "./actions";

export const metadata: Metadata = { title: "New snippet" };

export default async function NewSnippetPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?callbackUrl=/new");
  return (
    <div className="page-narrow">
      <h1>New snippet</h1>
      <p className="muted">Share a program: one file or several. Other files can be imported from the main one and data files opened by name.</p>
      <SnippetForm
        action={createSnippetAction}
        submitLabel="Publish snippet"
        initial={{ title: "", description: "", tags: "", visibility: "public", message: "", kernel: "auto", files: [{ path: "main.py", content: "" }] }}
      />
      <NotebookImportForm />
    </div>
  );
}
