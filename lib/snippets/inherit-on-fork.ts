import "server-only";
import type { License } from "@/lib/db/generated/enums";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { ZLicense, licenseChangeRefusal } from "./licenses";

/**
 * What a fork takes over from its source besides the files: the license (another one only when
 * the source's license lets derived works change it, see licenses.ts), the code's traits, and
 * the thumbnail of the revision both now share, and the owner's choice of kernel. Checked before
 * the fork is made.
 */
export async function inheritOnFork(
  source: { id: string; license: License; hasInteracts: boolean; language: string; kernel: string | null; thumbnailRev: string | null },
  wantedLicense: string | undefined,
) {
  let license = source.license;
  if (wantedLicense !== undefined) {
    const parsed = ZLicense.safeParse(wantedLicense);
    if (!parsed.success) throw new AppError("INVALID", parsed.error.issues[0]?.message ?? "Unknown license.");
    const refusal = licenseChangeRefusal({ current: source.license, wanted: parsed.data, isFork: true });
    if (refusal) throw new AppError("FORBIDDEN", refusal);
    license = parsed.data;
  }
  const thumb = source.thumbnailRev
    ? await getDb().thumbnail.findUnique({
        where: { snippetId_rev: { snippetId: source.id, rev: source.thumbnailRev } },
        select: { rev: true, mime: true, data: true },
      })
    : null;
  return {
    license,
    hasInteracts: source.hasInteracts,
    language: source.language,
    kernel: source.kernel,
    thumbnailRev: thumb?.rev ?? null,
    ...(thumb ? { thumbnails: { create: [{ rev: thumb.rev, mime: thumb.mime, data: thumb.data }] } } : {}),
  };
}
