/**
 * @module
 * Golden check: the output a model version gives for its golden input must match the output
 * recorded at publish, numbers within a tolerance (ort-web's WASM kernels and native CPU
 * kernels differ in the last bits). A version that fails never takes traffic.
 */
export function matchesGolden(actual: unknown, expected: unknown, tolerance: number): boolean {
  if (typeof expected === "number") {
    return typeof actual === "number" && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e: unknown, i) => matchesGolden(actual[i], e, tolerance))
    );
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) {
      return false;
    }
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = Object.keys(e);
    return keys.length === Object.keys(a).length && keys.every((k) => matchesGolden(a[k], e[k], tolerance));
  }
  return actual === expected;
}
