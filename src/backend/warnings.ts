// One console warning per distinct message, for what the library did other than what was asked (a backend
// fallen back to, fewer threads than requested). The same reason also goes to backendInfo().details.

const warned = new Set<string>();

/** console.warn(`blockgrad: ${message}`) the first time this message is given in this process (or page). */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(`blockgrad: ${message}`);
}

/** The message of a thrown value. */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
