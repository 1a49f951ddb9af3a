import type { Metadata } from "next";
import { CellPage } from "@/components/cell/cell-page";
import { getCurrentUser } from "@/lib/auth/session";
import { getCellLink } from "@/lib/cells/get-cell-link";
import { readCellSearch } from "@/lib/cells/permalink";
import { isAppError } from "@/lib/errors";
import { offeredKernels } from "@/lib/runs/offered-kernels";
import { storedKernel, type TKernelName } from "@/lib/snippets/kernel";
import type { TSavedValues } from "@/components/interact/interact-values";
import { saveCellAction } from "./actions";

export const metadata: Metadata = { title: "Run code" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * A box to type code in and run, like SageMathCell's home page, opened empty or by its links
 * (`c`, `z`, `q`, `lang`, `autoeval`: lib/cells/permalink.ts). A bad link shows why and opens
 * the box empty; it is never an error page.
 */
export default async function CellRoute({ searchParams }: Props) {
  const request = readCellSearch(await searchParams);
  const kernels = offeredKernels();
  let { code, problem, autoeval } = request;
  let kernel: TKernelName | null = request.kernel;
  let saved: TSavedValues | null = null;
  if (request.q !== null) {
    try {
      const link = await getCellLink({ id: request.q });
      code = link.code;
      kernel = storedKernel(link.kernel) ?? kernel;
      saved = link.interacts;
    } catch (e) {
      if (!isAppError(e) || e.code !== "NOT_FOUND") throw e;
      problem = e.message;
      autoeval = false;
    }
  }
  const user = await getCurrentUser();
  return (
    <div className="cell-page">
      <h1>Run code</h1>
      <p className="muted">
        Type Python or SageMath code and press Run. Nothing is saved unless you share it or save it as a snippet; links made for SageMathCell open here too.
      </p>
      <CellPage
        code={code}
        kernel={kernel ?? (kernels.includes("sage") ? "sage" : "python")}
        kernels={kernels}
        autoRun={autoeval && problem === null}
        saved={saved}
        problem={problem}
        signedIn={user !== null}
        saveAction={saveCellAction}
      />
    </div>
  );
}
