import { KERNEL_LABELS } from "@/lib/snippets/kernel";

/**
 * The snippet form's kernel choice: automatic (a `.sage` main file runs in SageMath, anything
 * else in Python), or one the owner names. Whether this server has SageMath shows when Run is pressed.
 */
export function KernelField({ value }: { value: string }) {
  return (
    <div className="field">
      <label htmlFor="kernel">Kernel</label>
      <select id="kernel" name="kernel" defaultValue={value} aria-describedby="kernel-note">
        <option value="auto">Automatic (from the main file)</option>
        <option value="python">{KERNEL_LABELS.python}</option>
        <option value="sage">{KERNEL_LABELS.sage}</option>
      </select>
      <p id="kernel-note" className="muted">
        What Run runs the code in. Automatic: a main file ending in .sage runs in SageMath, any other in Python.
      </p>
    </div>
  );
}
