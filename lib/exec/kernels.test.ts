import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError } from "@/lib/env-error";
import { parseExecEnv } from "@/lib/exec/config";
import { loadKernels, PYTHON_KERNEL, SAGE_KERNEL, SAGE_PROBE, sageInstalled } from "./kernels";

describe("which kernels a service offers", () => {
  it("offers python always, sage as EXEC_SAGE says and as this machine has it", () => {
    expect([...loadKernels(undefined, "off").keys()]).toEqual(["python"]);
    expect([...loadKernels(undefined, "auto").keys()]).toEqual(sageInstalled() ? ["python", "sage"] : ["python"]);
    if (sageInstalled()) {
      expect(loadKernels(undefined, "on").get("sage")).toEqual(SAGE_KERNEL);
    } else {
      expect(() => loadKernels(undefined, "on")).toThrow(`EXEC_SAGE=1 but SageMath is not installed (${SAGE_PROBE} is missing)`);
    }
  });

  it("lets an EXEC_KERNELS file add a kernel or replace one by name, and names a bad file's problem", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cellar-kernels-"));
    const file = path.join(dir, "kernels.json");
    writeFileSync(file, JSON.stringify([{ name: "python", argv: ["/usr/bin/python3", "/cellar/runner.py"], preload: ["numpy"] }]));
    const kernels = loadKernels(file, "off");
    expect(kernels.get("python")).toMatchObject({ preload: ["numpy"] });
    expect(kernels.get("python")).not.toEqual(PYTHON_KERNEL);
    writeFileSync(file, JSON.stringify([{ name: "Bad Name", argv: ["x"] }]));
    expect(() => loadKernels(file, "off")).toThrow(
      `EXEC_KERNELS: ${file} is not an array of kernels: 0.name: a kernel name is lower-case letters, digits, - or _`,
    );
  });

  it("reads EXEC_SAGE as auto (unset), 1 or 0, and refuses anything else by name", () => {
    expect(parseExecEnv({}).sage).toBe("auto");
    expect(parseExecEnv({ EXEC_SAGE: "1" }).sage).toBe("on");
    expect(parseExecEnv({ EXEC_SAGE: "0" }).sage).toBe("off");
    expect(parseExecEnv({ EXEC_SAGE: " " }).sage).toBe("auto");
    let error: unknown;
    try {
      parseExecEnv({ EXEC_SAGE: "yes" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as Error).message).toContain('EXEC_SAGE must be "auto" (offer the sage kernel when SageMath is installed), "1" or "0"');
  });
});
