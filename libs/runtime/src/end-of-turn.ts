/**
 * Runs `flush` once at the end of the current event-loop turn, however often `schedule()` is called within it: what
 * one turn's socket reads brought is then handled together (group commit, batched requests).
 */
export class EndOfTurn {
  private scheduled = false;

  constructor(private readonly flush: () => void) {}

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }
}
