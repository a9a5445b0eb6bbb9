/*
 * Unsaved edits of the page on screen. The page sets a message while it has edits; the app's router
 * asks before navigating away from them, and the host asks too (AppMountParameters.onAppLeave, for
 * other apps and for closing the tab), see application.tsx; while a message is set the router also blocks the
 * host's history, so the browser's Back and Forward ask (router.tsx).
 */
export const UNSAVED_CHANGES_TITLE = 'Leave with unsaved changes?';

export class LeaveGuard {
  private message?: string;
  private readonly listeners = new Set<(message: string | undefined) => void>();

  /** The question to ask before leaving, or undefined when nothing would be lost. */
  get(): string | undefined {
    return this.message;
  }

  set(message: string | undefined): void {
    const next = message || undefined;
    if (next === this.message) return;
    this.message = next;
    this.listeners.forEach((l) => l(next));
  }

  /** Called on each change of the message; returns the unsubscribe. */
  subscribe(listener: (message: string | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
