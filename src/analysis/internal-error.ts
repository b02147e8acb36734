// Tensor Lens's own failures, as the internal-error diagnostics word them.

/** An error of Tensor Lens in the words a user can report: its name and message. */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
