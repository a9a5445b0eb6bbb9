/*
 * Unsaved edits of the page on screen. The page sets a message while it has edits; the app's router
 * asks before navigating away from them, and the host asks too (AppMountParameters.onAppLeave, for
 * other apps and for closing the tab), see application.tsx.
 */
export const UNSAVED_CHANGES_TITLE = 'Leave with unsaved changes?';

export class LeaveGuard {
  private message?: string;

  /** The question to ask before leaving, or undefined when nothing would be lost. */
  get(): string | undefined {
    return this.message;
  }

  set(message: string | undefined): void {
    this.message = message || undefined;
  }
}
